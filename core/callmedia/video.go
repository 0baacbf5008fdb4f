package callmedia

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/core/videosession"
)

// VideoConfig is what the video calls of a phone share. A nil
// Config.Video means the phone does no video: offered video streams are
// refused with port 0 and the call goes on in audio.
type VideoConfig struct {
	Codecs     []video.Codec     // offered, in preference order
	Size       video.Constraints // the most we send
	MaxBitrate int               // bits/s we send at most
	Camera     string            // the capture device sent by default
	// Open starts capturing from a device (video.Driver.Open); Devices
	// lists them, to find the first camera (nil: the test pattern).
	Open    func(ctx context.Context, id string, c video.Constraints) (video.Source, error)
	Devices func(ctx context.Context) ([]video.DeviceInfo, error)
}

// Payload types of our video codecs, in Codecs order from 96. Each m=
// line has its own PT space, so they may repeat the audio's.
const firstVideoPT = 96

// videoPathQueue is the room a video path keeps for received packets: a
// 1280x720 key frame comes as a burst of up to a few hundred.
const videoPathQueue = 512

// What we ask of the far end's feedback for every video codec (RFC 4585,
// RFC 5104).
var videoFeedback = []string{"nack", "nack pli", "ccm fir"}

// videoStream is one m=video line of the call.
type videoStream struct {
	content string // "" (the main picture) or "slides"; never changes

	// Guarded by the Stream's mu.
	offered  *sdp.Transport // the far end's offer for this line, when it offered it enabled
	leg      *leg           // nil while disabled
	disabled bool
	sess     *videosession.Session
	neg      sdp.VideoNegotiated
	source   string // the capture device sending, "" none
}

// wantVideo records what the user wants of the call's video and, when
// the SDP must say something new (a stream added or dropped, our camera
// on or off), reports it: the caller then offers again (or, before the
// call is answered, simply answers with it). Changing only the device we
// send from needs no new offer.
func (s *Stream) wantVideo(ctx context.Context, req call.VideoRequest) (renegotiate bool, err error) {
	if s.cfg.Video == nil {
		if req.Video {
			return false, ErrNoVideo
		}
		return false, nil
	}
	s.mu.Lock()
	before := s.videoShape()
	s.want = req
	main := s.mainVideo()
	if main == nil && req.Video && s.audio.incoming && s.sess == nil {
		// A call offered without video is answered as offered; video can
		// be added once it is up.
		s.mu.Unlock()
		return false, nil
	}
	if main == nil && req.Video {
		main = &videoStream{disabled: true}
		s.videos = append(s.videos, main)
	}
	var offered *sdp.Transport
	if main != nil && s.sess == nil {
		offered = main.offered // answering the far end's first offer
	}
	s.mu.Unlock()
	_, bound := s.audio.bound()
	switch {
	case req.Video && !bound:
		// A ringing call: its sockets, video's too, open when it is
		// answered (Bind).
		s.mu.Lock()
		main.disabled = false
		s.mu.Unlock()
	case req.Video:
		if err := s.ensureLeg(ctx, main, offered); err != nil {
			return false, err
		}
	case main != nil:
		s.mu.Lock()
		main.disabled = true
		s.mu.Unlock()
	}
	s.mu.Lock()
	renegotiate = s.videoShape() != before
	s.mu.Unlock()
	s.applySources()
	return renegotiate, nil
}

// ensureLeg gives v a socket if it has none, answering offered (nil: for
// an offer of ours), and enables it.
func (s *Stream) ensureLeg(ctx context.Context, v *videoStream, offered *sdp.Transport) error {
	s.mu.Lock()
	has := v.leg != nil
	v.disabled = false
	s.mu.Unlock()
	if has {
		return nil
	}
	s.mu.Lock()
	bind, adv, ports := s.bind, s.adv, s.ports
	s.mu.Unlock()
	l, err := openLeg(ctx, bind, adv, ports, s.cfg.Log, s.sec, s.certificate, offered, videoPathQueue)
	if err != nil {
		s.mu.Lock()
		v.disabled = true
		s.mu.Unlock()
		return fmt.Errorf("video: %w", err)
	}
	s.mu.Lock()
	if v.leg == nil && s.ctx.Err() == nil { // not when the call ended meanwhile
		v.leg, l = l, nil
	}
	s.mu.Unlock()
	if l != nil {
		l.close(true)
	}
	return nil
}

// prepareReOffer takes the far end's new offer's video lines: new ones
// are listed (and, when the user wants video, given a socket) before we
// answer.
func (s *Stream) prepareReOffer(ctx context.Context, offer []byte) {
	if s.cfg.Video == nil {
		return
	}
	s.mu.Lock()
	s.videos = offeredVideos(offer, s.videos)
	main := s.mainVideo()
	var offered *sdp.Transport
	if main != nil && main.leg == nil && s.want.Video {
		offered = main.offered
	}
	// Video the user did not ask for is refused, and shown as offered:
	// taking it is one tap (a new offer of ours) away.
	s.offeredVideo = main != nil && main.offered != nil
	s.mu.Unlock()
	if offered != nil {
		if err := s.ensureLeg(ctx, main, offered); err != nil {
			s.cfg.Log.Warn("media: offered video not taken", "error", err)
		}
	}
}

// offeredVideos adds to have an entry for every m=video line of offer
// beyond those it has, disabled until the user wants video.
func offeredVideos(offer []byte, have []*videoStream) []*videoStream {
	vs, err := sdp.ReadOfferVideo(offer)
	if err != nil {
		return have
	}
	for i, o := range vs {
		if i < len(have) {
			switch {
			case o.Disabled:
				have[i].offered = nil
			case have[i].leg == nil:
				t := o.Transport
				have[i].offered = &t
			}
			continue
		}
		v := &videoStream{disabled: true}
		if o.Content == "slides" {
			v.content = o.Content
		}
		if !o.Disabled {
			t := o.Transport
			v.offered = &t
		}
		have = append(have, v)
	}
	return have
}

// ErrNoVideo means the phone was built or configured without video.
var ErrNoVideo = errors.New("video: this phone does no video")

// mainVideo is the stream carrying the main picture, nil if none. The
// caller holds s.mu.
func (s *Stream) mainVideo() *videoStream {
	for _, v := range s.videos {
		if v.content != "slides" {
			return v
		}
	}
	return nil
}

// videoShape sums up what our SDP says of video, to tell whether a new
// offer is needed. The caller holds s.mu.
func (s *Stream) videoShape() string {
	var b strings.Builder
	for _, v := range s.videos {
		b.WriteString(strconv.FormatBool(v.disabled || v.leg == nil))
		b.WriteString(string(s.videoDirection(v)))
	}
	return b.String()
}

// videoDirection is what we say for v: we send only when the user's
// camera is on, receive always. The caller holds s.mu.
func (s *Stream) videoDirection(v *videoStream) sdp.Direction {
	d := sdp.RecvOnly
	if s.want.Send {
		d = sdp.SendRecv
	}
	if s.local.Direction == sdp.SendOnly { // on hold: no pictures either way
		d = sdp.Inactive
	}
	return d
}

// videoLocals are our video m= lines as they stand. The caller holds s.mu.
func (s *Stream) videoLocals() []sdp.VideoLocal {
	if len(s.videos) == 0 || s.cfg.Video == nil {
		return nil
	}
	codecs := make([]sdp.VideoCodec, 0, len(s.cfg.Video.Codecs))
	for i, c := range s.cfg.Video.Codecs {
		f := c.Fmtp
		if strings.EqualFold(c.Name, "VP8") {
			f = "max-fs=3600;max-fr=30" // 1280x720: what we decode comfortably
		}
		codecs = append(codecs, sdp.VideoCodec{Name: c.Name, PayloadType: uint8(firstVideoPT + i), Fmtp: f})
	}
	out := make([]sdp.VideoLocal, 0, len(s.videos))
	for _, v := range s.videos {
		l := sdp.VideoLocal{Codecs: codecs, Content: v.content, Disabled: v.disabled || v.leg == nil,
			Direction: s.videoDirection(v), MaxBitrate: s.cfg.Video.MaxBitrate, Feedback: videoFeedback}
		if !l.Disabled {
			l.RTPPort = v.leg.port
			l.Transport = v.leg.transport()
		}
		out = append(out, l)
	}
	return out
}

// VideoFeeds are the call's pictures: the far end's and our preview.
// They stay the same for the call's life; nil when the phone does no
// video.
func (s *Stream) VideoFeeds() (remote, local *video.Feed) {
	if s.cfg.Video == nil {
		return nil, nil
	}
	return &s.remoteFeed, &s.localFeed
}

// VideoInfo is the call's video for its Info: nil when it has none.
func (s *Stream) VideoInfo() *call.Video {
	s.mu.Lock()
	defer s.mu.Unlock()
	main := s.mainVideo()
	if main == nil || main.disabled || main.leg == nil {
		if s.cfg.Video != nil && s.offeredVideo && !s.want.Video {
			return &call.Video{Offered: true}
		}
		return nil
	}
	v := &call.Video{Source: main.source, Screen: isScreen(main.source)}
	if main.sess != nil && !main.neg.Disabled {
		v.Codec = main.neg.Codec.Name
		v.Sending = main.neg.Direction.Sends() && main.source != ""
		v.Receiving = main.neg.Direction.Receives()
	}
	return v
}

// isScreen reports whether a capture device ID names a screen or window.
func isScreen(id string) bool {
	return strings.HasPrefix(id, "screen:") || strings.HasPrefix(id, "window:")
}

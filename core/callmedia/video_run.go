package callmedia

import (
	"context"
	"strings"
	"time"

	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/core/videosession"
)

// sourceTimeout bounds opening a capture device.
const sourceTimeout = 5 * time.Second

// applyVideo runs, updates or stops each video stream as an exchange
// settled it (negs in the order of s.videos), then sets what we send.
func (s *Stream) applyVideo(negs []sdp.VideoNegotiated) {
	for i, n := range negs {
		s.mu.Lock()
		if i >= len(s.videos) {
			s.mu.Unlock()
			break
		}
		v := s.videos[i]
		s.mu.Unlock()
		s.runVideo(v, n)
	}
	s.applySources()
}

// runVideo brings one video stream to what n says.
func (s *Stream) runVideo(v *videoStream, n sdp.VideoNegotiated) {
	s.mu.Lock()
	sess, l, off, hold := v.sess, v.leg, v.disabled || n.Disabled, s.localHold
	if off {
		v.sess, v.leg, v.disabled, v.source = nil, nil, true, ""
	}
	v.neg = n
	s.mu.Unlock()
	if off {
		if sess != nil {
			_ = sess.Close()
		}
		if l != nil {
			l.close(sess == nil)
		}
		if v.content == "" {
			s.remoteFeed.Clear()
			s.localFeed.Clear()
		}
		return
	}
	if l == nil {
		return
	}
	if sess != nil {
		l.followKey(n.Transport)
		if n.Remote.Port() != 0 && n.Remote.Addr().IsValid() && !n.Remote.Addr().IsUnspecified() {
			sess.SetRemote(n.Remote, n.RemoteRTCP)
		}
		sess.SetDirection(n.Direction.Sends() && !hold, n.Direction.Receives() && !hold)
		return
	}
	if err := s.startVideo(v, l, n); err != nil {
		s.cfg.Log.Warn("media: video stream not started", "error", err)
		s.mu.Lock()
		v.disabled = true
		s.mu.Unlock()
		l.close(true)
	}
}

// startVideo runs a new video session for v over its leg.
func (s *Stream) startVideo(v *videoStream, l *leg, n sdp.VideoNegotiated) error {
	p, err := l.settle(n.Transport)
	if err != nil {
		return err
	}
	k, ok := s.videoCodec(n.Codec.Name)
	if !ok {
		return ErrNoVideo
	}
	tr, stage, err := l.protect(p, s.interceptor("video"))
	if err != nil {
		return err
	}
	cfg := videosession.Config{
		Codec: k, SendPT: n.Codec.PayloadType, RecvPT: n.RecvPT,
		Remote: n.Remote, RemoteRTCP: n.RemoteRTCP, RTCPMux: p.rtcpMux,
		Feedback:   videosession.Feedback{NACK: n.Feedback.NACK, PLI: n.Feedback.PLI, FIR: n.Feedback.FIR, REMB: n.Feedback.REMB},
		Size:       s.sendSize(n),
		MaxBitrate: s.cfg.Video.MaxBitrate,
		Log:        s.cfg.Log,
	}
	if n.MaxBitrate > 0 && (cfg.MaxBitrate == 0 || n.MaxBitrate < cfg.MaxBitrate) {
		cfg.MaxBitrate = n.MaxBitrate
	}
	if v.content == "" {
		cfg.RemoteFeed, cfg.LocalFeed = &s.remoteFeed, &s.localFeed
	}
	sess, err := videosession.New(tr, cfg)
	if err != nil {
		return err
	}
	l.agree(p, stage, n.Transport)
	s.mu.Lock()
	closed := s.ctx.Err() != nil // the call ended meanwhile: closeVideo has run
	if !closed {
		v.sess = sess
	}
	hold := s.localHold
	s.mu.Unlock()
	if closed {
		_ = sess.Close()
		return s.ctx.Err()
	}
	sess.SetDirection(n.Direction.Sends() && !hold, n.Direction.Receives() && !hold)
	if err := sess.Start(); err != nil {
		s.mu.Lock()
		v.sess = nil
		s.mu.Unlock()
		_ = sess.Close()
		return err
	}
	if l.path != nil {
		// What was sent before the keys were agreed never reached the
		// far end, nor theirs us: a key frame each way starts the picture.
		go l.connect(s.ctx, n.Remote, n.Transport, p, stage, func(err error) {
			s.cfg.Log.Warn("media: video path failed", "error", err)
		}, func() {
			sess.SendKeyFrame()
			sess.RequestKeyFrame()
		})
	}
	return nil
}

// videoCodec is our codec of that name.
func (s *Stream) videoCodec(name string) (video.Codec, bool) {
	for _, c := range s.cfg.Video.Codecs {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return video.Codec{}, false
}

// sizes we fall back to, largest first, when the far end cannot take ours.
var sizes = [...]video.Constraints{{Width: 1280, Height: 720}, {Width: 640, Height: 480}, {Width: 352, Height: 288}, {Width: 320, Height: 240}, {Width: 176, Height: 144}}

// sendSize is the most we send on n: our settings, within what the far
// end said it takes (max-fs, imageattr, max-fr).
func (s *Stream) sendSize(n sdp.VideoNegotiated) video.Constraints {
	want := s.cfg.Video.Size
	fits := func(c video.Constraints) bool {
		mbs := ((c.Width + 15) / 16) * ((c.Height + 15) / 16)
		return c.Width <= want.Width && c.Height <= want.Height &&
			(n.MaxFS == 0 || mbs <= n.MaxFS) &&
			(n.MaxWidth == 0 || c.Width <= n.MaxWidth) && (n.MaxHeight == 0 || c.Height <= n.MaxHeight)
	}
	out := sizes[len(sizes)-1]
	if fits(want) {
		out = want
	} else {
		for _, c := range sizes {
			if fits(c) {
				out = c
				break
			}
		}
	}
	out.FPS = want.FPS
	if n.MaxFR > 0 && n.MaxFR < out.FPS {
		out.FPS = n.MaxFR
	}
	return out
}

// applySources opens, swaps or stops what the main video sends, as the
// user wants and the exchange allows.
func (s *Stream) applySources() {
	s.mu.Lock()
	v := s.mainVideo()
	if v == nil || v.sess == nil {
		s.mu.Unlock()
		return
	}
	id := ""
	if s.want.Video && s.want.Send && v.neg.Direction.Sends() && !s.localHold {
		id = s.want.Source
		if id == "" {
			id = s.cfg.Video.Camera
		}
	}
	sess, cur, size := v.sess, v.source, s.sendSize(v.neg)
	s.mu.Unlock()
	if id == cur {
		return
	}
	if id == "" {
		sess.SetSource(nil)
		s.localFeed.Clear()
		s.setSource(v, sess, "")
		return
	}
	if isScreen(id) {
		// A screen is read best at its own size, within what the far end takes.
		size.Width, size.Height = max(size.Width, 1280), max(size.Height, 720)
	}
	ctx, cancel := context.WithTimeout(s.ctx, sourceTimeout)
	defer cancel()
	if id == defaultCamera {
		id = firstCamera(ctx, s.cfg.Video.Devices)
		if id == cur {
			return
		}
	}
	src, err := s.cfg.Video.Open(ctx, id, size)
	if err != nil {
		s.cfg.Log.Warn("media: cannot capture video", "device", id, "error", err)
		return
	}
	if !s.setSource(v, sess, id) {
		_ = src.Close()
		return
	}
	sess.SetSource(src)
}

// setSource records what v sends, unless its session changed meanwhile.
func (s *Stream) setSource(v *videoStream, sess *videosession.Session, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.sess != sess {
		return false
	}
	v.source = id
	return true
}

// mainSession is the main video's session, nil without one.
func (s *Stream) mainSession() *videosession.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v := s.mainVideo(); v != nil {
		return v.sess
	}
	return nil
}

// videoStats are the main video's figures, nil without one.
func (s *Stream) videoStats() *video.Stats {
	if st, ok := s.VideoStats(); ok {
		return &st
	}
	return nil
}

// VideoStats are the main video's figures; false without one.
func (s *Stream) VideoStats() (video.Stats, bool) {
	sess := s.mainSession()
	if sess == nil {
		return video.Stats{}, false
	}
	return sess.Stats(), true
}

// RequestKeyFrame asks the far end for a key frame of the main video.
func (s *Stream) RequestKeyFrame() error {
	sess := s.mainSession()
	if sess == nil {
		return ErrNoVideo
	}
	sess.RequestKeyFrame()
	return nil
}

// closeVideo ends every video stream.
func (s *Stream) closeVideo() {
	type parts struct {
		sess *videosession.Session
		leg  *leg
	}
	s.mu.Lock()
	var ps []parts
	for _, v := range s.videos {
		ps = append(ps, parts{v.sess, v.leg})
		v.sess, v.leg, v.disabled = nil, nil, true
	}
	s.mu.Unlock()
	for _, p := range ps {
		if p.sess != nil {
			_ = p.sess.Close()
		}
		if p.leg != nil {
			p.leg.close(p.sess == nil)
		}
	}
}

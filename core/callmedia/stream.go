// Package callmedia is the media side of one call: its RTP/RTCP socket,
// its half of the SDP offer/answer (what we offer, what was agreed, our
// hold) and, once agreed, its media session. The call owns one Stream;
// the Stream owns the socket and the session.
package callmedia

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
	"github.com/softphone/softphone/core/video"
)

// Config is what every stream of a phone shares.
type Config struct {
	Codecs         []codec.Codec // offered, in preference order (settings may change; a stream keeps its own)
	Encoder        codec.Options
	NoMediaTimeout time.Duration
	// Cert gives the phone's DTLS identity, made on first use (a phone
	// that never meets DTLS never pays for the key); nil, or a nil
	// result: DTLS is neither offered nor accepted.
	Cert func() *secure.Certificate
	// Video is what video calls use; nil: the phone does no video.
	Video *VideoConfig
	// Intercept, if not nil, adds a stage next to each stream's socket
	// ("audio" or "video"): what tests and benchmarks impair the network
	// with.
	Intercept func(kind string, tr media.Transport) media.Transport
	Log       *slog.Logger
}

// Stream is one call's media: its audio stream and, when the call has
// video, its video streams.
type Stream struct {
	cfg Config
	sec Security

	ctx    context.Context // ends at Close: the paths' checks and the DTLS handshakes
	cancel context.CancelFunc

	audio *leg
	// Where video legs open, as the audio's did: set by Bind, under mu.
	bind, adv netip.Addr
	ports     media.PortRange
	// remoteFeed and localFeed are the main video's pictures (the far
	// end's, our preview), the same for the call's life.
	remoteFeed, localFeed video.Feed

	// mu guards the fields below and each videoStream's. A leg's mu may
	// be taken under it (our SDP reads the legs' transports), never the
	// other way round; nothing else is called while holding it.
	mu        sync.Mutex
	sess      *media.Session
	local     sdp.Local // Transport and Video come from the legs at each use
	neg       sdp.Negotiated
	localHold bool
	want      call.VideoRequest // what the user wants of the video
	// offeredVideo: the far end's latest offer has video (taken or not).
	offeredVideo bool
	videos       []*videoStream // the m=video lines, in SDP order after the audio
}

// Open binds the stream's socket on bind (from the port range) and
// prepares our side of the SDP, advertising adv. offer is the far end's
// offer when we answer one, nil when we offer: what it asks for (ICE,
// DTLS) decides the kind of socket. ctx bounds candidate gathering.
func Open(ctx context.Context, bind, adv netip.Addr, ports media.PortRange, cfg Config, sec Security, offer []byte) (*Stream, error) {
	s, err := Prepare(cfg, sec, offer)
	if err != nil {
		return nil, err
	}
	if err := s.Bind(ctx, bind, adv, ports); err != nil {
		s.Close(nil)
		return nil, err
	}
	return s, nil
}

// Prepare is a stream with nothing bound: what an incoming call has while
// it rings, so that a caller (or a flood of them) costs no socket until
// the call is answered. Check tells whether the offer can be answered;
// Bind opens the sockets.
func Prepare(cfg Config, sec Security, offer []byte) (*Stream, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Stream{cfg: cfg, sec: sec}
	var offered *sdp.Transport
	if offer == nil {
		if sec.Mode == ModeSRTP && !sec.SDESKeys {
			cfg.Log.Debug("media: SDES keys not offered: the signalling is not encrypted", "hint", "use a TLS transport, DTLS, or srtp_over_insecure_signalling")
		}
	} else {
		// A bad offer is Answer's to report, with the SIP code it deserves.
		ot, _ := sdp.ReadOffer(offer)
		offered = &ot
		s.videos = offeredVideos(offer, nil)
		for _, v := range s.videos {
			s.offeredVideo = s.offeredVideo || (cfg.Video != nil && v.offered != nil)
		}
	}
	a, err := newLeg(cfg.Log, sec, s.certificate, offered)
	if err != nil {
		return nil, err
	}
	s.audio = a
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var b [8]byte
	_, _ = rand.Read(b[:])
	infos := make([]codec.Info, 0, len(cfg.Codecs))
	for _, k := range cfg.Codecs {
		infos = append(infos, k.Info())
	}
	s.local = sdp.Local{Codecs: infos, DTMF: true, Ptime: 20,
		SessionID: binary.BigEndian.Uint64(b[:]) >> 2, Version: 1, Username: "softphone"}
	return s, nil
}

// Bind opens the stream's socket on bind (from ports), advertising adv,
// and the main video's when the user asked for video before it was
// bound; nothing when it is bound already.
func (s *Stream) Bind(ctx context.Context, bind, adv netip.Addr, ports media.PortRange) error {
	if _, ok := s.audio.bound(); ok {
		return nil
	}
	s.mu.Lock()
	s.bind, s.adv, s.ports = bind, adv, ports
	s.local.Addr = adv
	s.mu.Unlock()
	if err := s.audio.bind(ctx, bind, adv, ports, 0); err != nil {
		return err
	}
	s.mu.Lock()
	main := s.mainVideo()
	late := main != nil && !main.disabled && main.leg == nil && s.want.Video
	var offered *sdp.Transport
	if late {
		offered = main.offered
	}
	s.mu.Unlock()
	if late {
		if err := s.ensureLeg(ctx, main, offered); err != nil {
			s.cfg.Log.Warn("media: answering without video", "error", err)
		}
	}
	return nil
}

// Check says whether Answer would take offer (codecs, protection), with
// nothing bound: ErrEncryptionRequired, or the negotiation's error.
func (s *Stream) Check(offer []byte) error {
	if s.audio.planErr != nil {
		return s.audio.planErr
	}
	_, _, err := sdp.Answer(offer, s.sdpLocal(false))
	return err
}

// interceptor is Config.Intercept for streams of kind, or nil.
func (s *Stream) interceptor(kind string) func(media.Transport) media.Transport {
	if s.cfg.Intercept == nil {
		return nil
	}
	return func(tr media.Transport) media.Transport { return s.cfg.Intercept(kind, tr) }
}

// certificate is the phone's DTLS identity, or nil.
func (s *Stream) certificate() *secure.Certificate {
	if s.cfg.Cert == nil {
		return nil
	}
	return s.cfg.Cert()
}

// sdpLocal is our side of the SDP as it stands; bump increments its
// version first (a new offer or answer in the dialog, RFC 3264 8).
func (s *Stream) sdpLocal(bump bool) sdp.Local {
	s.mu.Lock()
	if bump {
		s.local.Version++
	}
	l := s.local
	s.mu.Unlock()
	l.Transport = s.audio.transport()
	if port, ok := s.audio.bound(); ok {
		l.RTPPort = port
	} else {
		// Nothing bound yet (Check): placeholders for the negotiation
		// (RFC 5737's documentation address), never sent to anyone.
		l.RTPPort, l.Addr = 9, netip.AddrFrom4([4]byte{192, 0, 2, 1})
	}
	s.mu.Lock()
	l.Video = s.videoLocals()
	s.mu.Unlock()
	return l
}

// Offer is our SDP offer as it stands.
func (s *Stream) Offer() ([]byte, error) { return sdp.Offer(s.sdpLocal(false)) }

// ParseAnswer reads the far end's answer (or early-media SDP) to our offer.
func (s *Stream) ParseAnswer(answer []byte) (sdp.Negotiated, error) {
	return sdp.ParseAnswer(s.sdpLocal(false), answer)
}

// Answer answers the far end's offer (an incoming call's INVITE) without
// changing the stream: nothing is agreed until Start. An offer whose
// protection we cannot (or, by policy, will not) take is refused with
// ErrEncryptionRequired or the reason.
func (s *Stream) Answer(offer []byte) ([]byte, sdp.Negotiated, error) {
	if s.audio.planErr != nil {
		return nil, sdp.Negotiated{}, s.audio.planErr
	}
	return sdp.Answer(offer, s.sdpLocal(false))
}

// Format is the device format the agreed codec needs, and that codec.
func (s *Stream) Format(neg sdp.Negotiated) (codec.Codec, audio.Format, error) {
	k, ok := codec.Lookup(s.cfg.Codecs, neg.Codec.Name)
	if !ok {
		return nil, audio.Format{}, fmt.Errorf("negotiated codec %s is not enabled", neg.Codec.Name)
	}
	ptime := time.Duration(neg.Ptime) * time.Millisecond
	if ptime <= 0 {
		ptime = 20 * time.Millisecond
	}
	return k, audio.Format{SampleRate: k.Info().SampleRate, Channels: 1, Period: ptime}, nil
}

// Session is the media session, nil before Start.
func (s *Stream) Session() *media.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sess
}

// HoldOffer is our next offer putting the stream on hold (sendonly) or
// back (sendrecv); Held applies the answer.
func (s *Stream) HoldOffer(on bool) ([]byte, error) {
	s.mu.Lock()
	s.local.Direction = sdp.SendRecv
	if on {
		s.local.Direction = sdp.SendOnly
	}
	s.mu.Unlock()
	return sdp.Offer(s.sdpLocal(true))
}

// Held takes the answer to HoldOffer(on).
func (s *Stream) Held(on bool, answer []byte) error {
	neg, err := s.ParseAnswer(answer)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.localHold = on
	s.mu.Unlock()
	s.Apply(neg)
	return nil
}

// SetVideo changes the call's video as the user wants (see
// call.VideoRequest). Before the call is answered it only prepares our
// answer; after, when the SDP must change, it returns our new offer for a
// re-INVITE, whose answer goes to Renegotiated.
func (s *Stream) SetVideo(ctx context.Context, req call.VideoRequest) (offer []byte, err error) {
	again, err := s.wantVideo(ctx, req)
	if err != nil || !again || s.Session() == nil {
		return nil, err
	}
	s.mu.Lock()
	s.offeredVideo = false // our offer now says what the call's video is
	s.mu.Unlock()
	return sdp.Offer(s.sdpLocal(true))
}

// Renegotiated takes the answer to an offer from SetVideo.
func (s *Stream) Renegotiated(answer []byte) error {
	neg, err := s.ParseAnswer(answer)
	if err != nil {
		return err
	}
	s.Apply(neg)
	return nil
}

// Apply points the running session at a renegotiated stream: the far
// end's new address and SDES key, and the direction both holds leave.
func (s *Stream) Apply(neg sdp.Negotiated) {
	s.audio.followKey(neg.Transport)
	s.mu.Lock()
	sess, localHold := s.sess, s.localHold
	prev := s.neg.Remote
	s.neg = neg
	s.mu.Unlock()
	if sess == nil {
		return
	}
	s.applyVideo(neg.Video)
	if neg.Remote.Port() != 0 && neg.Remote.Addr().IsValid() && !neg.Remote.Addr().IsUnspecified() {
		sess.SetRemote(neg.Remote, neg.RemoteRTCP)
		s.audio.retarget(prev, neg.Remote) // move.go
	}
	s.audio.connectPending(s.ctx, neg.Remote, neg.Transport) // after an ICE restart (restart.go)
	sess.SetDirection(neg.Direction.Sends() && !localHold, neg.Direction.Receives() && !localHold)
}

// ReOffer answers the far end's re-INVITE (hold, resume, new address);
// held is whether they hold us (they will not take our audio).
func (s *Stream) ReOffer(offer []byte) (answer []byte, held bool, err error) {
	if ot, err := sdp.ReadOffer(offer); err == nil {
		s.audio.followKey(ot) // before the answer: it carries the tag they use now
		s.restartIfAsked(ot)  // restart.go: the answer carries our new credentials
	}
	s.prepareReOffer(s.ctx, offer)
	answer, neg, err := sdp.Answer(offer, s.sdpLocal(true))
	if err != nil {
		return nil, false, err
	}
	s.Apply(neg)
	held = !neg.Direction.Sends()
	if sess := s.Session(); sess != nil {
		// Most phones send nothing while they hold: silence is expected.
		sess.PauseMediaGuard(held)
	}
	return answer, held, nil
}

// Close ends the session (finishing its recording) or, before one ran,
// the transport; final, if not nil, gets the session's last figures first.
func (s *Stream) Close(final func(media.Stats)) {
	s.cancel()
	s.mu.Lock()
	sess := s.sess
	s.mu.Unlock()
	var last media.Stats
	if sess != nil && final != nil {
		last = s.withPath(sess.Stats()) // while the video still runs
	}
	s.closeVideo()
	s.audio.close(sess == nil)
	if sess == nil {
		return
	}
	if final != nil {
		final(last)
	}
	sess.Close()
}

// withPath adds the network path the stream's packets take.
func (s *Stream) withPath(st media.Stats) media.Stats {
	st.Path = s.audio.pathName()
	st.Video = s.videoStats()
	return st
}

// ReportStats gives report the session's figures every interval until
// done is closed.
func (s *Stream) ReportStats(done <-chan struct{}, interval time.Duration, report func(media.Stats)) {
	sess := s.Session()
	if sess == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			report(s.withPath(sess.Stats()))
		}
	}
}

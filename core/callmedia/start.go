package callmedia

import (
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/sdp"
)

// Events is what a stream tells its call: the media session's events, and
// how the media is protected once that is settled.
type Events interface {
	media.Handler
	// Secured reports the media's protection (SchemeNone, SchemeSRTP or
	// SchemeDTLS) once it holds both ways: for an encrypted stream, when
	// the first packet from the far end passed authentication.
	Secured(scheme string)
	// PathFailed reports that connectivity checks or the DTLS handshake
	// failed: the call has no media.
	PathFailed(err error)
}

// connectTimeout bounds ICE checks plus the DTLS handshake.
const connectTimeout = 20 * time.Second

// Start runs the media session for neg on dev (which it then owns); ev
// gets the session's events. It returns false, closing dev, when the
// stream already runs one (early media) or ended meanwhile. An answer
// without the protection the account requires fails with
// ErrEncryptionRequired.
func (s *Stream) Start(neg sdp.Negotiated, dev audio.Device, ended func() bool, ev Events) (bool, error) {
	p, err := s.audio.settle(neg.Transport)
	if err != nil {
		dev.Close()
		return false, err
	}
	k, f, err := s.Format(neg)
	if err != nil {
		dev.Close()
		return false, err
	}
	tr, stage, err := s.audio.protect(p, s.interceptor("audio"))
	if err != nil {
		dev.Close()
		return false, err
	}
	h := &watch{Events: ev, scheme: p.scheme}
	sess, err := media.NewSession(tr, dev, media.Config{
		Codec: k, SendPT: neg.Codec.PayloadType, RecvPT: neg.RecvPT,
		DTMFSendPT: neg.DTMFPT, DTMFRecvPT: neg.RecvDTMFPT,
		Ptime: f.Period, Remote: neg.Remote, RemoteRTCP: neg.RemoteRTCP, RTCPMux: p.rtcpMux,
		Encoder: s.cfg.Encoder, NoMediaTimeout: s.cfg.NoMediaTimeout, Log: s.cfg.Log,
	}, h)
	if err != nil {
		dev.Close()
		return false, err
	}
	s.mu.Lock()
	if s.sess != nil || ended() {
		s.mu.Unlock()
		dev.Close()
		return false, nil
	}
	s.sess, s.neg = sess, neg
	s.mu.Unlock()
	s.audio.agree(p, stage, neg.Transport)
	sess.SetDirection(neg.Direction.Sends(), neg.Direction.Receives())
	if err := sess.Start(); err != nil {
		return true, err
	}
	if p.scheme == SchemeNone {
		ev.Secured(SchemeNone)
	}
	if s.audio.path != nil {
		s.audio.remember(neg.Transport) // restart.go
		go s.audio.connect(s.ctx, neg.Remote, neg.Transport, p, stage, ev.PathFailed, nil)
	}
	s.applyVideo(neg.Video)
	return true, nil
}

// Scheme is the media's protection as settled at Start ("" before).
func (s *Stream) Scheme() string { return s.audio.scheme() }

// watch reports Secured when the first packet from the far end passed the
// SRTP stage: only then is the media encrypted both ways.
type watch struct {
	Events
	scheme string
}

func (w *watch) Flowing(at time.Time) {
	w.Events.Flowing(at)
	if w.scheme != SchemeNone {
		w.Secured(w.scheme)
	}
}

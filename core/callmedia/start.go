package callmedia

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/nat"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
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
	p, err := s.settle(neg)
	if err != nil {
		dev.Close()
		return false, err
	}
	k, f, err := s.Format(neg)
	if err != nil {
		dev.Close()
		return false, err
	}
	if s.conn != nil {
		s.conn.SetRTCPMux(p.rtcpMux)
	}
	tr := s.tr
	var stage *secure.Stage
	if p.scheme != SchemeNone {
		stage = secure.NewStage(s.tr, s.cfg.Log)
		tr = stage
		if p.scheme == SchemeSRTP {
			keys, err := p.keys()
			if err == nil {
				err = stage.SetKeys(keys)
			}
			if err != nil {
				dev.Close()
				return false, fmt.Errorf("media: SRTP keys: %w", err)
			}
		}
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
	s.sess, s.neg, s.plan, s.stage = sess, neg, &p, stage
	s.local.Transport = s.agreed(p, neg)
	s.mu.Unlock()
	sess.SetDirection(neg.Direction.Sends(), neg.Direction.Receives())
	if err := sess.Start(); err != nil {
		return true, err
	}
	if p.scheme == SchemeNone {
		ev.Secured(SchemeNone)
	}
	if s.path != nil {
		go s.connect(neg, p, stage, ev)
	}
	return true, nil
}

// settle is the stream's protection: decided from the offer when we
// answered, from the answer when we offered.
func (s *Stream) settle(neg sdp.Negotiated) (plan, error) {
	if s.incoming {
		return s.answerPlan, s.planErr
	}
	return planFromAnswer(s.sec, s.offered, s.dtlsOffered, neg.Transport)
}

// agreed is what later offers and answers in the dialog (hold, resume)
// say about transport and protection: what was settled, so they neither
// re-key nor restart anything.
func (s *Stream) agreed(p plan, neg sdp.Negotiated) sdp.Transport {
	t := sdp.Transport{Profile: s.local.Transport.Profile, RTCPMux: p.rtcpMux, ICE: s.local.Transport.ICE}
	if s.incoming {
		t.Profile = neg.Transport.Profile
	}
	switch p.scheme {
	case SchemeSRTP:
		t.Crypto = []string{p.crypto.String()}
	case SchemeDTLS:
		t.Fingerprint, t.Setup = s.cert.Fingerprint().String(), "passive"
		if p.client {
			t.Setup = "active"
		}
	}
	return t
}

// connect runs the path's checks (or settles its plain destination) and,
// for DTLS-SRTP, the handshake that keys the SRTP stage.
func (s *Stream) connect(neg sdp.Negotiated, p plan, stage *secure.Stage, ev Events) {
	ctx, cancel := context.WithTimeout(s.ctx, connectTimeout)
	defer cancel()
	began := time.Now()
	r := nat.Remote{Addr: neg.Remote, Controlling: !s.incoming}
	if ice := neg.Transport.ICE; ice != nil && s.path.Local() != nil {
		r.Ufrag, r.Pwd, r.Candidates = ice.Ufrag, ice.Pwd, ice.Candidates
	}
	if err := s.path.Connect(ctx, r); err != nil {
		if s.ctx.Err() == nil {
			ev.PathFailed(fmt.Errorf("connectivity checks: %w", err))
		}
		return
	}
	checked := time.Now()
	s.cfg.Log.Debug("media: path ready", "path", s.path.Selected(), "took", checked.Sub(began))
	if p.scheme != SchemeDTLS {
		return
	}
	keys, d, err := secure.Handshake(ctx, s.pt.DTLS(), s.cert, p.fp, p.client, s.cfg.Log)
	if err != nil {
		if s.ctx.Err() == nil {
			ev.PathFailed(fmt.Errorf("DTLS handshake: %w", err))
		}
		return
	}
	s.mu.Lock()
	s.dtls = d
	s.mu.Unlock()
	if s.ctx.Err() != nil {
		_ = d.Close()
		return
	}
	if err := stage.SetKeys(keys); err != nil {
		ev.PathFailed(fmt.Errorf("SRTP keys: %w", err))
		return
	}
	s.cfg.Log.Debug("media: DTLS-SRTP keyed", "profile", d.Profile(), "client", p.client, "took", time.Since(checked))
}

// followKey re-keys what we receive when the far end's SDES key changed in
// a later offer or answer (RFC 4568 allows it), and answers with the tag
// the far end now uses for our suite.
func (s *Stream) followKey(t sdp.Transport) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plan == nil || s.plan.scheme != SchemeSRTP || s.stage == nil {
		return
	}
	for _, line := range t.Crypto {
		c, err := secure.ParseCrypto(line)
		if err != nil || c.Suite != s.plan.remote.Suite {
			continue
		}
		if s.plan.crypto.Tag != c.Tag {
			s.plan.crypto.Tag = c.Tag
			s.local.Transport.Crypto = []string{s.plan.crypto.String()}
		}
		if !bytes.Equal(c.Key, s.plan.remote.Key) {
			s.plan.remote = c
			if keys, err := s.plan.keys(); err == nil {
				_ = s.stage.SetKeys(keys)
			}
		}
		return
	}
}

// Scheme is the media's protection as settled at Start ("" before).
func (s *Stream) Scheme() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.plan == nil {
		return ""
	}
	return s.plan.scheme
}

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

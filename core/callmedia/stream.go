// Package callmedia is the media side of one call: its RTP/RTCP socket,
// its half of the SDP offer/answer (what we offer, what was agreed, our
// hold) and, once agreed, its media session. The call owns one Stream;
// the Stream owns the socket and the session.
package callmedia

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/sdp"
)

// Config is what every stream of a phone shares.
type Config struct {
	Codecs         []codec.Codec // offered, in preference order (settings may change; a stream keeps its own)
	Encoder        codec.Options
	NoMediaTimeout time.Duration
	Log            *slog.Logger
}

// Stream is one call's audio stream.
type Stream struct {
	cfg  Config
	conn *media.Conn // set at Open, closed by Close or by the session

	// mu guards the fields below. It is a leaf: nothing is called while
	// holding it but the sdp helpers.
	mu        sync.Mutex
	sess      *media.Session
	local     sdp.Local
	neg       sdp.Negotiated
	localHold bool
}

// Open binds the stream's socket on bind (from the port range) and
// prepares our side of the SDP, advertising adv.
func Open(bind, adv netip.Addr, ports media.PortRange, cfg Config) (*Stream, error) {
	conn, err := media.Listen(bind, ports)
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	infos := make([]codec.Info, 0, len(cfg.Codecs))
	for _, k := range cfg.Codecs {
		infos = append(infos, k.Info())
	}
	s := &Stream{cfg: cfg, conn: conn}
	s.local = sdp.Local{Addr: adv, RTPPort: conn.Port(), Codecs: infos, DTMF: true, Ptime: 20,
		SessionID: binary.BigEndian.Uint64(b[:]) >> 2, Version: 1, Username: "softphone"}
	return s, nil
}

// Offer is our SDP offer as it stands.
func (s *Stream) Offer() ([]byte, error) {
	s.mu.Lock()
	local := s.local
	s.mu.Unlock()
	return sdp.Offer(local)
}

// ParseAnswer reads the far end's answer (or early-media SDP) to our offer.
func (s *Stream) ParseAnswer(answer []byte) (sdp.Negotiated, error) {
	s.mu.Lock()
	local := s.local
	s.mu.Unlock()
	return sdp.ParseAnswer(local, answer)
}

// Answer answers the far end's offer (an incoming call's INVITE) without
// changing the stream: nothing is agreed until Start.
func (s *Stream) Answer(offer []byte) ([]byte, sdp.Negotiated, error) {
	s.mu.Lock()
	local := s.local
	s.mu.Unlock()
	return sdp.Answer(offer, local)
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

// Start runs the media session for neg on dev (which it then owns); h
// gets the session's events. It returns false, closing dev, when the
// stream already runs one (early media) or ended meanwhile.
func (s *Stream) Start(neg sdp.Negotiated, dev audio.Device, ended func() bool, h media.Handler) (bool, error) {
	k, f, err := s.Format(neg)
	if err != nil {
		dev.Close()
		return false, err
	}
	sess, err := media.NewSession(s.conn, dev, media.Config{
		Codec: k, SendPT: neg.Codec.PayloadType, RecvPT: neg.RecvPT,
		DTMFSendPT: neg.DTMFPT, DTMFRecvPT: neg.RecvDTMFPT,
		Ptime: f.Period, Remote: neg.Remote, RemoteRTCP: neg.RemoteRTCP,
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
	sess.SetDirection(neg.Direction.Sends(), neg.Direction.Receives())
	return true, sess.Start()
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
	s.local.Version++
	s.local.Direction = sdp.SendRecv
	if on {
		s.local.Direction = sdp.SendOnly
	}
	local := s.local
	s.mu.Unlock()
	return sdp.Offer(local)
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

// Apply points the running session at a renegotiated stream: the far
// end's new address, and the direction both holds leave.
func (s *Stream) Apply(neg sdp.Negotiated) {
	s.mu.Lock()
	sess, localHold := s.sess, s.localHold
	s.neg = neg
	s.mu.Unlock()
	if sess == nil {
		return
	}
	if neg.Remote.Port() != 0 && neg.Remote.Addr().IsValid() && !neg.Remote.Addr().IsUnspecified() {
		sess.SetRemote(neg.Remote, neg.RemoteRTCP)
	}
	sess.SetDirection(neg.Direction.Sends() && !localHold, neg.Direction.Receives() && !localHold)
}

// ReOffer answers the far end's re-INVITE (hold, resume, new address);
// held is whether they hold us (they will not take our audio).
func (s *Stream) ReOffer(offer []byte) (answer []byte, held bool, err error) {
	s.mu.Lock()
	s.local.Version++
	local := s.local
	s.mu.Unlock()
	answer, neg, err := sdp.Answer(offer, local)
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
// the socket; final, if not nil, gets the session's last figures first.
func (s *Stream) Close(final func(media.Stats)) {
	s.mu.Lock()
	sess := s.sess
	s.mu.Unlock()
	if sess == nil {
		s.conn.Close()
		return
	}
	if final != nil {
		final(sess.Stats())
	}
	sess.Close()
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
			report(sess.Stats())
		}
	}
}

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
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/nat"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
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
	Log  *slog.Logger
}

// Stream is one call's audio stream.
type Stream struct {
	cfg Config
	sec Security

	ctx    context.Context // ends at Close: the path's checks and the DTLS handshake
	cancel context.CancelFunc

	// The transport, set at Open: a plain socket pair (conn), or a path
	// read by a goroutine (path + pt) when ICE or DTLS needs one.
	tr   media.Transport
	conn *media.Conn
	path *nat.Path
	pt   *media.PacketTransport

	cert        *secure.Certificate // when DTLS may be used
	incoming    bool                // we answer the far end's offer
	offered     []secure.Crypto     // SDES lines of our offer
	dtlsOffered bool
	answerPlan  plan  // incoming: settled from the offer at Open
	planErr     error // incoming: why the offer cannot be answered

	// mu guards the fields below. It is a leaf: nothing is called while
	// holding it but the sdp helpers.
	mu        sync.Mutex
	sess      *media.Session
	local     sdp.Local
	neg       sdp.Negotiated
	localHold bool
	plan      *plan // settled protection, once Start ran
	stage     *secure.Stage
	dtls      *secure.Session
}

// Open binds the stream's socket on bind (from the port range) and
// prepares our side of the SDP, advertising adv. offer is the far end's
// offer when we answer one (an incoming call), nil when we offer: what it
// asks for (ICE, DTLS) decides the kind of socket. ctx bounds candidate
// gathering.
func Open(ctx context.Context, bind, adv netip.Addr, ports media.PortRange, cfg Config, sec Security, offer []byte) (*Stream, error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	s := &Stream{cfg: cfg, sec: sec, incoming: offer != nil}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	var lt sdp.Transport
	ice, needPath := false, false
	if offer == nil {
		var err error
		if sec.Mode == ModeDTLS {
			s.cert = s.certificate()
		}
		if lt, s.offered, err = offerTransport(sec, s.cert); err != nil {
			return nil, err
		}
		if sec.Mode == ModeSRTP && !sec.SDESKeys {
			cfg.Log.Debug("media: SDES keys not offered: the signalling is not encrypted", "hint", "use a TLS transport, DTLS, or srtp_over_insecure_signalling")
		}
		s.dtlsOffered = lt.Fingerprint != ""
		ice = sec.NAT.ICE
		needPath = ice || s.dtlsOffered
	} else if ot, err := sdp.ReadOffer(offer); err == nil {
		// A bad offer is Answer's to report, with the SIP code it deserves.
		if ot.Fingerprint != "" {
			s.cert = s.certificate()
		}
		s.answerPlan, s.planErr = planFromOffer(sec, s.cert, ot)
		lt = answerTransport(s.answerPlan, s.cert)
		ice = ot.ICE != nil
		needPath = ice || s.answerPlan.scheme == SchemeDTLS
	}
	port := 0
	if needPath {
		nc := sec.NAT
		nc.ICE, nc.Log = ice, cfg.Log
		nc.Ports.Min, nc.Ports.Max = ports.Min, ports.Max
		pb := bind
		if !pb.IsValid() || pb.IsUnspecified() {
			pb = adv // ICE gathers on one address, never every interface
		}
		path, err := nat.Listen(ctx, pb, nc)
		if err != nil {
			s.cancel()
			return nil, err
		}
		s.path, s.pt = path, media.NewPacketTransport(path)
		s.tr, port = s.pt, int(path.Addr().Port())
		if l := path.Local(); l != nil {
			lt.ICE = &sdp.ICE{Ufrag: l.Ufrag, Pwd: l.Pwd, Candidates: l.Candidates, EndOfCandidates: true}
		}
		// A path has one socket: RTCP can only share it (RFC 8858).
		lt.RTCPMuxOnly = offer == nil
	} else {
		conn, err := media.Listen(bind, ports)
		if err != nil {
			s.cancel()
			return nil, err
		}
		s.conn, s.tr, port = conn, conn, conn.Port()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	infos := make([]codec.Info, 0, len(cfg.Codecs))
	for _, k := range cfg.Codecs {
		infos = append(infos, k.Info())
	}
	s.local = sdp.Local{Addr: adv, RTPPort: port, Codecs: infos, DTMF: true, Ptime: 20,
		SessionID: binary.BigEndian.Uint64(b[:]) >> 2, Version: 1, Username: "softphone", Transport: lt}
	return s, nil
}

// certificate is the phone's DTLS identity, or nil.
func (s *Stream) certificate() *secure.Certificate {
	if s.cfg.Cert == nil {
		return nil
	}
	return s.cfg.Cert()
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
// changing the stream: nothing is agreed until Start. An offer whose
// protection we cannot (or, by policy, will not) take is refused with
// ErrEncryptionRequired or the reason.
func (s *Stream) Answer(offer []byte) ([]byte, sdp.Negotiated, error) {
	if s.planErr != nil {
		return nil, sdp.Negotiated{}, s.planErr
	}
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
// end's new address and SDES key, and the direction both holds leave.
func (s *Stream) Apply(neg sdp.Negotiated) {
	s.followKey(neg.Transport)
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
	if ot, err := sdp.ReadOffer(offer); err == nil {
		s.followKey(ot) // before the answer: it carries the tag they use now
	}
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
// the transport; final, if not nil, gets the session's last figures first.
func (s *Stream) Close(final func(media.Stats)) {
	s.cancel()
	s.mu.Lock()
	sess, dtls := s.sess, s.dtls
	s.mu.Unlock()
	if dtls != nil {
		_ = dtls.Close() // close_notify first, while the path is up
	}
	if sess == nil {
		s.tr.Close()
		return
	}
	if final != nil {
		final(s.withPath(sess.Stats()))
	}
	sess.Close()
}

// withPath adds the network path the stream's packets take.
func (s *Stream) withPath(st media.Stats) media.Stats {
	if s.path != nil {
		st.Path = s.path.Selected()
	}
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

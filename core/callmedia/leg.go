package callmedia

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/nat"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
)

// leg is one m= line's transport and protection: its socket or network
// path, what our SDP says about them, and the plan settled from the
// exchange. The audio stream and each video stream have one, each keyed
// and routed on its own (no BUNDLE).
type leg struct {
	log      *slog.Logger
	sec      Security
	incoming bool // we answer the far end's offer

	// The transport, set once by bind under mu (read freely after, by
	// the goroutine that bound it and those it starts; path and port
	// replaced under mu by an ICE restart, restart.go): a plain socket
	// pair (conn), or a path read by a goroutine (path + pt) when ICE or
	// DTLS needs one.
	tr       media.Transport
	conn     *media.Conn
	path     *nat.Path
	pt       *media.PacketTransport
	port     int
	ice      bool // the path runs ICE
	needPath bool // ICE or DTLS: bind opens a path, not a plain pair

	cert        *secure.Certificate // when DTLS may be used
	offered     []secure.Crypto     // SDES lines of our offer
	dtlsOffered bool
	answerPlan  plan  // incoming: settled from the offer at open
	planErr     error // incoming: why the offer cannot be answered

	// mu guards the fields below. It is a leaf.
	mu      sync.Mutex
	local   sdp.Transport // what our offers and answers say
	plan    *plan         // settled protection, once the media started
	stage   *secure.Stage
	dtls    *secure.Session
	restart restartState // restart.go
	closed  bool         // close ran: a late bind closes its socket
}

// openLeg binds the leg's socket on bind (from ports), advertising adv.
// offered is the far end's transport for this m= line when we answer,
// nil when we offer. ctx bounds candidate gathering.
//
// queue is how many received RTP packets a path keeps for the reader (0:
// the default, for audio).
func openLeg(ctx context.Context, bind, adv netip.Addr, ports media.PortRange, log *slog.Logger, sec Security, cert func() *secure.Certificate, offered *sdp.Transport, queue int) (*leg, error) {
	l, err := newLeg(log, sec, cert, offered)
	if err != nil {
		return nil, err
	}
	if err := l.bind(ctx, bind, adv, ports, queue); err != nil {
		return nil, err
	}
	return l, nil
}

// newLeg settles what the leg's SDP says and, answering offered, the
// protection it takes, with nothing bound yet: a ringing call's leg,
// which may never need a socket.
func newLeg(log *slog.Logger, sec Security, cert func() *secure.Certificate, offered *sdp.Transport) (*leg, error) {
	l := &leg{log: log, sec: sec, incoming: offered != nil}
	var lt sdp.Transport
	if offered == nil {
		var err error
		if sec.Mode == ModeDTLS {
			l.cert = cert()
		}
		if lt, l.offered, err = offerTransport(sec, l.cert); err != nil {
			return nil, err
		}
		l.dtlsOffered = lt.Fingerprint != ""
		l.ice = sec.NAT.ICE
		l.needPath = l.ice || l.dtlsOffered
	} else {
		if offered.Fingerprint != "" {
			l.cert = cert()
		}
		l.answerPlan, l.planErr = planFromOffer(sec, l.cert, *offered)
		lt = answerTransport(l.answerPlan, l.cert)
		l.ice = offered.ICE != nil
		l.needPath = l.ice || l.answerPlan.scheme == SchemeDTLS
	}
	l.local = lt
	return l, nil
}

// bind opens the leg's socket, or its network path when ICE or DTLS
// needs one (gathering candidates within ctx). Binding a leg already
// closed closes what it opened.
func (l *leg) bind(ctx context.Context, bind, adv netip.Addr, ports media.PortRange, queue int) error {
	if l.needPath {
		nc := l.sec.NAT
		nc.ICE, nc.Log = l.ice, l.log
		nc.Ports.Min, nc.Ports.Max = ports.Min, ports.Max
		pb := bind
		if !pb.IsValid() || (l.ice && pb.IsUnspecified()) {
			pb = adv // ICE gathers on one address, never every interface
		}
		path, err := nat.Listen(ctx, pb, nc)
		if err != nil {
			return err
		}
		sw := &switchPath{cur: path} // an ICE restart replaces the path under pt
		pt := media.NewPacketTransport(sw, queue)
		l.mu.Lock()
		l.path, l.pt, l.tr, l.port = path, pt, pt, int(path.Addr().Port())
		if l.ice {
			l.restart.sw, l.restart.ports = sw, ports
		}
		if p := path.Local(); p != nil {
			l.local.ICE = &sdp.ICE{Ufrag: p.Ufrag, Pwd: p.Pwd, Candidates: p.Candidates, EndOfCandidates: true}
		}
		// A path has one socket: RTCP can only share it (RFC 8858).
		l.local.RTCPMuxOnly = !l.incoming
	} else {
		conn, err := media.Listen(bind, ports)
		if err != nil {
			return err
		}
		l.mu.Lock()
		l.conn, l.tr, l.port = conn, conn, conn.Port()
	}
	closed := l.closed
	l.mu.Unlock()
	if closed {
		l.tr.Close()
		return errLegClosed
	}
	return nil
}

// errLegClosed: the call ended while its socket opened.
var errLegClosed = errors.New("media: stream closed")

// bound says whether the leg has its socket, and its port.
func (l *leg) bound() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.port, l.tr != nil
}

// transport is what our next offer or answer says about the leg.
func (l *leg) transport() sdp.Transport {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.local
}

// settle is the leg's protection: decided from the offer when we
// answered, from the answer (its transport r) when we offered.
func (l *leg) settle(r sdp.Transport) (plan, error) {
	if l.incoming {
		return l.answerPlan, l.planErr
	}
	return planFromAnswer(l.sec, l.offered, l.dtlsOffered, r)
}

// protect is the transport the media runs over under p: the SRTP stage
// over the leg's transport (keyed at once for SDES, after the handshake
// for DTLS), or the transport itself; wrap, if not nil, adds a stage of
// its own next to the socket.
func (l *leg) protect(p plan, wrap func(media.Transport) media.Transport) (media.Transport, *secure.Stage, error) {
	if l.conn != nil {
		l.conn.SetRTCPMux(p.rtcpMux)
	}
	base := l.tr
	if wrap != nil {
		base = wrap(base)
	}
	if p.scheme == SchemeNone {
		return base, nil, nil
	}
	stage := secure.NewStage(base, l.log)
	if p.scheme == SchemeSRTP {
		keys, err := p.keys()
		if err == nil {
			err = stage.SetKeys(keys)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("media: SRTP keys: %w", err)
		}
	}
	return stage, stage, nil
}

// agree records the settled plan: later offers and answers in the dialog
// (hold, resume, video) say what was settled, so they neither re-key nor
// restart anything.
func (l *leg) agree(p plan, stage *secure.Stage, remote sdp.Transport) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.plan, l.stage = &p, stage
	t := sdp.Transport{Profile: l.local.Profile, RTCPMux: p.rtcpMux, ICE: l.local.ICE}
	if l.incoming {
		t.Profile = remote.Profile
	}
	switch p.scheme {
	case SchemeSRTP:
		t.Crypto = []string{p.crypto.String()}
	case SchemeDTLS:
		t.Fingerprint, t.Setup = l.cert.Fingerprint().String(), "passive"
		if p.client {
			t.Setup = "active"
		}
	}
	l.local = t
}

// connect runs the path's checks (or settles its plain destination) and,
// for DTLS-SRTP, the handshake that keys the SRTP stage; failed gets what
// went wrong unless ctx ended first, keyed (if not nil) when the stage
// was keyed.
func (l *leg) connect(ctx context.Context, remote netip.AddrPort, rt sdp.Transport, p plan, stage *secure.Stage, failed func(error), keyed func()) {
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	fail := func(err error) {
		if ctx.Err() == nil { // not when the stream closed meanwhile
			failed(err)
		}
	}
	began := time.Now()
	l.mu.Lock()
	path := l.path // an ICE restart may replace it meanwhile (restart.go)
	l.mu.Unlock()
	r := nat.Remote{Addr: remote, Controlling: !l.incoming}
	if ice := rt.ICE; ice != nil && path.Local() != nil {
		r.Ufrag, r.Pwd, r.Candidates = ice.Ufrag, ice.Pwd, ice.Candidates
	}
	if err := path.Connect(cctx, r); err != nil {
		fail(fmt.Errorf("connectivity checks: %w", err))
		return
	}
	checked := time.Now()
	l.log.Debug("media: path ready", "path", path.Selected(), "took", checked.Sub(began))
	if p.scheme != SchemeDTLS {
		return
	}
	keys, d, err := secure.Handshake(cctx, l.pt.DTLS(), l.cert, p.fp, p.client, l.log)
	if err != nil {
		fail(fmt.Errorf("DTLS handshake: %w", err))
		return
	}
	l.mu.Lock()
	l.dtls = d
	l.mu.Unlock()
	if ctx.Err() != nil {
		_ = d.Close()
		return
	}
	if err := stage.SetKeys(keys); err != nil {
		fail(fmt.Errorf("SRTP keys: %w", err))
		return
	}
	l.log.Debug("media: DTLS-SRTP keyed", "profile", d.Profile(), "client", p.client, "took", time.Since(checked))
	if keyed != nil {
		keyed()
	}
}

// followKey re-keys what we receive when the far end's SDES key changed in
// a later offer or answer (RFC 4568 allows it), and answers with the tag
// the far end now uses for our suite.
func (l *leg) followKey(t sdp.Transport) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plan == nil || l.plan.scheme != SchemeSRTP || l.stage == nil {
		return
	}
	for _, line := range t.Crypto {
		c, err := secure.ParseCrypto(line)
		if err != nil || c.Suite != l.plan.remote.Suite {
			continue
		}
		if l.plan.crypto.Tag != c.Tag {
			l.plan.crypto.Tag = c.Tag
			l.local.Crypto = []string{l.plan.crypto.String()}
		}
		if !bytes.Equal(c.Key, l.plan.remote.Key) {
			l.plan.remote = c
			if keys, err := l.plan.keys(); err == nil {
				_ = l.stage.SetKeys(keys)
			}
		}
		return
	}
}

// scheme is the protection as settled ("" before).
func (l *leg) scheme() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.plan == nil {
		return ""
	}
	return l.plan.scheme
}

// close says goodbye to DTLS (close_notify, while the path is up) and,
// when the media never took the transport over, closes it.
func (l *leg) close(transportToo bool) {
	l.mu.Lock()
	d, tr := l.dtls, l.tr
	l.closed = true
	l.mu.Unlock()
	if d != nil {
		_ = d.Close()
	}
	if transportToo && tr != nil {
		tr.Close()
	}
}

// pathName is the network path the leg's packets take ("" without one).
func (l *leg) pathName() string {
	l.mu.Lock()
	path := l.path // an ICE restart replaces it
	l.mu.Unlock()
	if path == nil {
		return ""
	}
	return path.Selected()
}

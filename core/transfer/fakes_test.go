package transfer

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// The tests run the agent over real SIP on loopback: our UA holds the
// legs, a bare peer UA plays the far end. The host and the legs are
// fakes that record what the agent asks of them.

const offer = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

var discard = slog.New(slog.DiscardHandler)

// ending is one End the agent asked of a leg.
type ending struct {
	reason string
	code   int
	bye    bool
}

// leg is a call of ours; it is its own dialog handler.
type leg struct {
	id    string
	m     *call.Machine
	a     *Agent
	infos chan call.Info // every change of m
	ends  chan ending
	ended chan struct{}
	once  sync.Once

	mu sync.Mutex // guards d
	d  *sip.Dialog
}

func newLeg(id string, a *Agent) *leg {
	l := &leg{id: id, a: a, infos: make(chan call.Info, 64), ends: make(chan ending, 4), ended: make(chan struct{})}
	l.m = call.New(id, call.Inbound, "work", call.Party{URI: "sip:peer@127.0.0.1"}, func(i call.Info) { l.infos <- i }, nil)
	return l
}

func (l *leg) ID() string                 { return l.id }
func (l *leg) Account() string            { return "work" }
func (l *leg) Machine() *call.Machine     { return l.m }
func (l *leg) Handler() sip.DialogHandler { return l }
func (l *leg) Ended() <-chan struct{}     { return l.ended }

func (l *leg) Dialog() *sip.Dialog {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.d
}

func (l *leg) End(reason string, code int, bye bool) {
	l.once.Do(func() {
		close(l.ended)
		_ = l.m.End(reason, code)
		l.ends <- ending{reason, code, bye}
		if d := l.Dialog(); bye && d != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = d.Bye(ctx)
		}
	})
}

func (l *leg) ReOffer(o []byte) ([]byte, error) { return o, nil }
func (l *leg) Info(string, []byte)              {}
func (l *leg) Bye()                             { l.End("remote hung up", 0, false) }
func (l *leg) Refer(r sip.Refer) error          { return l.a.Referred(l, r) }
func (l *leg) ReferProgress(sip.ReferProgress)  {}
func (l *leg) waitInfo(t *testing.T, what string, ok func(call.Info) bool) call.Info {
	t.Helper()
	timeout := time.After(3 * time.Second)
	for {
		select {
		case i := <-l.infos:
			if ok(i) {
				return i
			}
		case <-timeout:
			t.Fatalf("%s: no call change to %s; now %+v", l.id, what, l.m.Info())
		}
	}
}

func (l *leg) waitEnd(t *testing.T) ending {
	t.Helper()
	select {
	case e := <-l.ends:
		return e
	case <-time.After(8 * time.Second):
		t.Fatalf("%s did not end: %+v", l.id, l.m.Info())
		return ending{}
	}
}

// peer is the far end's dialog handler.
type peer struct {
	referErr error
	refers   chan sip.Refer
	progress chan sip.ReferProgress
	hungUp   chan struct{}
	once     sync.Once
}

func newPeer() *peer {
	return &peer{refers: make(chan sip.Refer, 4), progress: make(chan sip.ReferProgress, 8), hungUp: make(chan struct{})}
}

func (p *peer) ReOffer(o []byte) ([]byte, error)  { return o, nil }
func (p *peer) Info(string, []byte)               {}
func (p *peer) Bye()                              { p.once.Do(func() { close(p.hungUp) }) }
func (p *peer) Refer(r sip.Refer) error           { p.refers <- r; return p.referErr }
func (p *peer) ReferProgress(r sip.ReferProgress) { p.progress <- r }

func (p *peer) nextProgress(t *testing.T) sip.ReferProgress {
	t.Helper()
	select {
	case r := <-p.progress:
		return r
	case <-time.After(3 * time.Second):
		t.Fatal("the peer got no report")
		return sip.ReferProgress{}
	}
}

// placed is one call the agent asked the host to place.
type placed struct {
	target, account, referredBy string
	hdrs                        []sip.Header
}

// host is the phone around the legs.
type host struct {
	events chan state.Event
	placed chan placed

	mu      sync.Mutex // guards the fields below
	fail    error      // Place fails with it
	legs    []Leg
	holds   []string
	resumes []string
	answers []string // replacing INVITEs answered, by the leg they replace
}

func newHost() *host {
	return &host{events: make(chan state.Event, 8), placed: make(chan placed, 1)}
}

func (h *host) leg(id string) *leg {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, l := range h.legs {
		if l.ID() == id {
			return l.(*leg)
		}
	}
	return nil
}

func (h *host) Hold(_ context.Context, id string) error {
	h.mu.Lock()
	h.holds = append(h.holds, id)
	h.mu.Unlock()
	return h.leg(id).m.SetHold(true, true)
}

func (h *host) Resume(_ context.Context, id string) error {
	h.mu.Lock()
	h.resumes = append(h.resumes, id)
	h.mu.Unlock()
	return h.leg(id).m.SetHold(true, false)
}

func (h *host) Place(target, account string, hdrs []sip.Header, setup func(*call.Info)) (string, error) {
	h.mu.Lock()
	fail := h.fail
	h.mu.Unlock()
	if fail != nil {
		return "", fail
	}
	var i call.Info
	setup(&i)
	h.placed <- placed{target: target, account: account, referredBy: i.ReferredBy, hdrs: hdrs}
	return "new", nil
}

func (h *host) Events() (<-chan state.Event, func()) { return h.events, func() {} }

func (h *host) Legs() []Leg {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Leg(nil), h.legs...)
}

func (h *host) PickUp(*sip.Incoming, sip.Replaces) bool { return false }

func (h *host) Answer(in *sip.Incoming, old Leg) (string, error) {
	h.mu.Lock()
	h.answers = append(h.answers, old.ID())
	h.mu.Unlock()
	_, err := in.Answer([]byte(offer), newPeer())
	return "replacing", err
}

func (h *host) record() (holds, resumes, answers string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.holds, ","), strings.Join(h.resumes, ","), strings.Join(h.answers, ",")
}

// setup is an agent with its host, and a UA taking calls for it.
type setup struct {
	a    *Agent
	h    *host
	ua   *sip.UA // ours
	them *sip.UA // the peer's
	next chan *leg
	n    int
}

func newSetup(t *testing.T, waits Timeouts) *setup {
	t.Helper()
	s := &setup{h: newHost(), next: make(chan *leg, 1)}
	s.a = New(s.h, Config{Log: discard, Timeouts: waits})
	s.ua, s.them = listen(t), listen(t)
	s.ua.HandleInvites(func(in *sip.Incoming) {
		if s.a.Replaces(in) {
			return
		}
		s.n++
		l := newLeg(fmt.Sprintf("c%d", s.n), s.a)
		d, err := in.Answer([]byte(offer), l)
		if err != nil {
			t.Errorf("answer: %v", err)
			return
		}
		l.mu.Lock()
		l.d = d
		l.mu.Unlock()
		_ = l.m.Answered("PCMU")
		s.h.mu.Lock()
		s.h.legs = append(s.h.legs, l)
		s.h.mu.Unlock()
		s.next <- l
	})
	return s
}

func listen(t *testing.T) *sip.UA {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	return ua
}

func (s *setup) uri() string { return fmt.Sprintf("sip:us@127.0.0.1:%d", s.ua.Port()) }

// call has the peer call us; it returns our leg, the peer's dialog and
// its handler.
func (s *setup) call(t *testing.T) (*leg, *sip.Dialog, *peer) {
	t.Helper()
	p := newPeer()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, _, err := s.them.Invite(ctx, sip.InviteOptions{To: s.uri(), Offer: []byte(offer), Handler: p})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-s.next:
		t.Cleanup(func() { l.End("test over", 0, true) })
		return l, d, p
	case <-time.After(3 * time.Second):
		t.Fatal("our UA answered no call")
		return nil, nil, nil
	}
}

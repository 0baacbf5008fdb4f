package sip

import (
	"bytes"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"github.com/emiago/sipgo/sip"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sdp"
)

// fuzzTx is a server transaction that records the responses and never
// blocks: a final non-2xx answer to an INVITE is acknowledged at once (as
// the caller's transaction layer would), a 2xx by an ACK fed back through
// the UA's own in-dialog handler.
type fuzzTx struct {
	u   *UA
	req *sip.Request

	mu        sync.Mutex // guards responses, terminated and onTerm
	responses []*sip.Response
	onTerm    []sip.FnTxTerminate

	terminated bool
	done       chan struct{}
	acks       chan *sip.Request
}

func newFuzzTx(u *UA, req *sip.Request) *fuzzTx {
	return &fuzzTx{u: u, req: req, done: make(chan struct{}), acks: make(chan *sip.Request, 1)}
}

func (tx *fuzzTx) Respond(res *sip.Response) error {
	_ = res.String() // what the transport would write
	tx.mu.Lock()
	tx.responses = append(tx.responses, res)
	tx.mu.Unlock()
	if !tx.req.IsInvite() || res.StatusCode < 200 {
		return nil
	}
	if !res.IsSuccess() {
		select {
		case tx.acks <- tx.req:
		default:
		}
		return nil
	}
	if ack := fuzzAck(tx.req, res); ack != nil {
		tx.u.handleInDialog(ack, newFuzzTx(tx.u, ack))
	}
	return nil
}

// fuzzAck is the caller's ACK of a 2xx, or nil when the response lacks
// what one needs.
func fuzzAck(inv *sip.Request, res *sip.Response) *sip.Request {
	from, to, callID, cseq := res.From(), res.To(), res.CallID(), res.CSeq()
	if from == nil || to == nil || callID == nil || cseq == nil {
		return nil
	}
	ack := sip.NewRequest(sip.ACK, inv.Recipient)
	if v := inv.Via(); v != nil {
		ack.AppendHeader(sip.HeaderClone(v))
	}
	ack.AppendHeader(sip.HeaderClone(from))
	ack.AppendHeader(sip.HeaderClone(to))
	ack.AppendHeader(sip.HeaderClone(callID))
	ack.AppendHeader(&sip.CSeqHeader{SeqNo: cseq.SeqNo, MethodName: sip.ACK})
	ack.SetTransport(inv.Transport())
	ack.SetSource(inv.Source())
	return ack
}

func (tx *fuzzTx) Terminate() {
	tx.mu.Lock()
	if tx.terminated {
		tx.mu.Unlock()
		return
	}
	tx.terminated = true
	fs := tx.onTerm
	tx.mu.Unlock()
	close(tx.done)
	for _, f := range fs {
		f("fuzz", nil)
	}
}

func (tx *fuzzTx) OnTerminate(f sip.FnTxTerminate) bool {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	if tx.terminated {
		return false
	}
	tx.onTerm = append(tx.onTerm, f)
	return true
}

func (tx *fuzzTx) Done() <-chan struct{}          { return tx.done }
func (tx *fuzzTx) Err() error                     { return nil }
func (tx *fuzzTx) Acks() <-chan *sip.Request      { return tx.acks }
func (tx *fuzzTx) OnCancel(f sip.FnTxCancel) bool { return true }

// finals counts the final answers; a status out of SIP's range fails t.
func (tx *fuzzTx) finals(t *testing.T) int {
	tx.mu.Lock()
	defer tx.mu.Unlock()
	n := 0
	for _, r := range tx.responses {
		if r.StatusCode < 100 || r.StatusCode > 699 {
			t.Fatalf("answered with status %d", r.StatusCode)
		}
		if r.StatusCode >= 200 {
			n++
		}
	}
	return n
}

// fuzzConn stands for the UDP socket: the handlers only ask its address.
type fuzzConn struct{ net.PacketConn }

func (fuzzConn) LocalAddr() net.Addr {
	return &net.UDPAddr{IP: net.IPv4(198, 18, 0, 1), Port: 5060}
}

// fuzzCallHandler is the engine's side of a call, reduced to what reads
// the far end's bodies: SDP re-offers, DTMF INFO, REFER, REFER progress.
type fuzzCallHandler struct {
	t     *testing.T
	local sdp.Local
}

func (h *fuzzCallHandler) ReOffer(offer []byte) ([]byte, error) {
	ans, _, err := sdp.Answer(offer, h.local)
	return ans, err
}

func (h *fuzzCallHandler) Info(ct string, body []byte) { _, _ = media.ParseDTMFInfo(ct, body) }
func (h *fuzzCallHandler) Bye()                        {}

func (h *fuzzCallHandler) Refer(r Refer) error {
	if r.Target == "" {
		h.t.Fatalf("REFER accepted with no target: %+v", r)
	}
	if r.Replaces != nil && !r.Replaces.Valid() {
		h.t.Fatalf("REFER with an invalid Replaces passed on: %+v", *r.Replaces)
	}
	if strings.ContainsAny(r.ReferredBy, "<>\"\r\n") {
		h.t.Fatalf("Referred-By %q cannot be written back into a header", r.ReferredBy)
	}
	return nil
}

func (h *fuzzCallHandler) ReferProgress(p ReferProgress) {
	if p.Code != 0 && (p.Code < 100 || p.Code > 699) {
		h.t.Fatalf("REFER progress with status %d", p.Code)
	}
}

func fuzzLocal() sdp.Local {
	var cs []codec.Info
	for _, c := range codecs.Default() {
		cs = append(cs, c.Info())
	}
	return sdp.Local{Addr: netip.MustParseAddr("198.18.0.1"), RTPPort: 40000, Codecs: cs, DTMF: true, SessionID: 1, Version: 1}
}

// The dialogs and subscriptions every input finds in place: an answered
// call (our to-tag fuzzUATag) with a REFER of ours under way, and one
// subscription per event package the phone uses.
const (
	fuzzCallID  = "dlg-1@198.18.0.2"
	fuzzFromTag = "caller-tag"
	fuzzUATag   = "ua-tag"
	fuzzSubTag  = "sub-tag"
)

var fuzzEvents = []string{"dialog", "presence", "message-summary"}

// fuzzToken is the Contact token of the fuzzed UA's registration.
const fuzzToken = "f00d"

func fuzzSubCallID(event string) string { return "sub-" + event + "@198.18.0.1" }

// newFuzzUA is a UA without sockets, its hooks set the way the engine
// sets them so that every body reaches our parsers.
func newFuzzUA(t *testing.T, log *slog.Logger, local sdp.Local) *UA {
	u := &UA{udp: fuzzConn{}, log: log, name: "softphone", done: make(chan struct{})}
	u.shield = newShield(&u.gate, &u.dialogs, log, SourceRate, SourceBurst)
	// The gate as the engine has it: a registration with its token and
	// registrar, and an admission that asks for one of them, or Replaces.
	u.gate.bindFlow("work", fuzzToken, "198.18.0.1:5060")
	u.SetAdmit(func(k Knock) int {
		if k.Account != "" || k.Replaces != nil || k.Source.Port() == 5060 {
			return 0
		}
		return sip.StatusForbidden
	})
	h := &fuzzCallHandler{t: t, local: local}
	u.HandleInvites(func(in *Incoming) {
		if v := in.Header("Replaces"); v != "" {
			_, _ = ParseReplaces(v)
		}
		if d, ok := in.AnswerAfter(); ok && d < 0 {
			t.Fatalf("negative auto-answer delay %v", d)
		}
		_ = in.Ring()
		ans, _, err := sdp.Answer(in.Offer, local)
		if err != nil {
			_ = in.Reject(sip.StatusNotAcceptableHere, "Not Acceptable Here")
			return
		}
		_, _ = in.Answer(ans, h)
	})
	u.HandleMWI(func(n MWINotify) (int, string) {
		if _, err := presence.ParseMessageSummary(n.Body); err != nil {
			return sip.StatusBadRequest, "Bad Request"
		}
		return sip.StatusOK, "OK"
	})
	u.HandleMessages(func(m IncomingMessage) (int, string) {
		if !strings.Contains(m.From.URI, ":") {
			t.Fatalf("MESSAGE from %q passed on", m.From.URI)
		}
		return sip.StatusOK, "OK"
	})
	for _, ev := range fuzzEvents {
		s := &Subscription{ua: u, o: SubscribeOptions{Event: ev, Notify: func(n Notification) {
			switch n.Event {
			case "dialog":
				_, _ = presence.ParseDialogInfo(n.Body)
			case "presence":
				_, _ = presence.ParsePIDF(n.Body)
			case "message-summary":
				_, _ = presence.ParseMessageSummary(n.Body)
			}
		}}}
		u.events.add(&subDialog{s: s, callID: fuzzSubCallID(ev), localTag: fuzzSubTag, terminated: make(chan termination, 1)})
	}
	return u
}

// establish answers the seed INVITE and files its dialog under the fixed
// to-tag the in-dialog seeds carry.
func establish(t *testing.T, u *UA, p *sip.Parser) {
	msg, err := p.ParseSIP([]byte(fuzzInvite))
	if err != nil {
		t.Fatal(err)
	}
	req := msg.(*sip.Request)
	req.SetSource("198.18.0.2:5060")
	tx := newFuzzTx(u, req)
	u.handleInvite(req, tx)
	tx.Terminate()
	var d *Dialog
	u.dialogs.m.Range(func(_, v any) bool { d = v.(*Dialog); return false })
	if d == nil {
		t.Fatal("the seed INVITE was not answered")
	}
	u.dialogs.Delete(d.id)
	d.id = sip.DialogIDMake(fuzzCallID, fuzzUATag, fuzzFromTag)
	d.refer.out = true
	u.dialogs.Store(d)
}

// route is Listen's routing of requests to the UA's handlers, through
// the limits (guard) as there; methods without a handler get the 405 its
// no-route handler gives.
func route(u *UA, req *sip.Request, tx sip.ServerTransaction) {
	switch req.Method {
	case sip.INVITE:
		u.guard(u.handleInvite)(req, tx)
	case sip.ACK, sip.BYE, sip.INFO, sip.REFER:
		u.guard(u.handleInDialog)(req, tx)
	case sip.NOTIFY:
		u.guard(u.handleNotify)(req, tx)
	case sip.MESSAGE:
		u.guard(u.handleMessage)(req, tx)
	case sip.OPTIONS:
		u.guard(u.handleOptions)(req, tx)
	default:
		u.respond(tx, req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
	}
}

// fuzzNext separates the requests of one input: up to fuzzMaxRequests
// go to the same UA in turn, so that sequences (a REFER and its
// NOTIFYs, a BYE and what follows it) are explored too.
const (
	fuzzNext        = "\x00\x00next\x00\x00"
	fuzzMaxRequests = 4
)

// FuzzHandleRequest parses arbitrary bytes with sipgo's parser, as its
// UDP transport does, and hands what its transaction layer would accept
// (a request with Via and CSeq) to the UA's handler for the method, with
// an answered call, a REFER of ours and subscriptions in place. No panic,
// no hang, and every request but ACK gets exactly one final answer.
func FuzzHandleRequest(f *testing.F) {
	for _, s := range fuzzRequestSeeds() {
		f.Add([]byte(s))
	}
	for _, seq := range fuzzSequenceSeeds() {
		f.Add([]byte(strings.Join(seq, fuzzNext)))
	}
	log := slog.New(slog.DiscardHandler)
	local := fuzzLocal()
	parser := sip.NewParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		var u *UA
		for i, raw := range bytes.Split(data, []byte(fuzzNext)) {
			if i == fuzzMaxRequests {
				break
			}
			msg, err := parser.ParseSIP(raw)
			if err != nil {
				continue
			}
			req, ok := msg.(*sip.Request)
			if !ok || req.Via() == nil || req.CSeq() == nil {
				continue // sipgo's transaction layer answers these 400 itself
			}
			req.SetTransport("UDP")
			req.SetSource("198.18.0.2:5060")
			if u == nil {
				u = newFuzzUA(t, log, local)
				establish(t, u, parser)
			}
			tx := newFuzzTx(u, req)
			route(u, req, tx)
			tx.Terminate() // sipgo ends the transaction when the handler returns
			n := tx.finals(t)
			switch {
			case req.IsAck() && n != 0:
				t.Fatalf("request %d: ACK answered %d times", i, n)
			case !req.IsAck() && n != 1:
				t.Fatalf("request %d: %s got %d final answers, want 1", i, req.Method, n)
			}
		}
	})
}

// TestByeOutOfOrder: a BYE whose CSeq is below the dialog's is refused
// with 500 (RFC 3261 12.2.2) and the call goes on; sipgo refused it
// without an answer, and the call was ended all the same.
func TestByeOutOfOrder(t *testing.T) {
	p := sip.NewParser()
	u := newFuzzUA(t, slog.New(slog.DiscardHandler), fuzzLocal())
	establish(t, u, p)
	msg, err := p.ParseSIP([]byte(wire("", inDialog("BYE", 0)...)))
	if err != nil {
		t.Fatal(err)
	}
	req := msg.(*sip.Request)
	tx := newFuzzTx(u, req)
	u.handleInDialog(req, tx)
	if len(tx.responses) != 1 || tx.responses[0].StatusCode != sip.StatusInternalServerError {
		t.Fatalf("responses %v, want one 500", tx.responses)
	}
	d := u.dialogs.match(req)
	if d == nil {
		t.Fatal("the out-of-order BYE ended the call")
	}
	if err := d.Context().Err(); err != nil {
		t.Fatalf("dialog ended: %v", err)
	}
}

package sip

import (
	"context"
	"mime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// uaEvents holds what the UA routes for the event helpers: subscription
// dialogs by Call-ID and local tag, and the handlers of unsolicited
// message-summary NOTIFYs and of MESSAGEs.
type uaEvents struct {
	mu        sync.Mutex
	subs      map[string]*subDialog
	onMWI     func(MWINotify) (int, string)
	onMessage func(IncomingMessage) (int, string)
}

func subKey(callID, localTag string) string { return callID + "\x00" + localTag }

func (e *uaEvents) add(d *subDialog) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.subs == nil {
		e.subs = map[string]*subDialog{}
	}
	e.subs[subKey(d.callID, d.localTag)] = d
}

func (e *uaEvents) forget(d *subDialog) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.subs[subKey(d.callID, d.localTag)] == d {
		delete(e.subs, subKey(d.callID, d.localTag))
	}
}

func (e *uaEvents) match(req *sip.Request) *subDialog {
	callID := req.CallID()
	to := req.To()
	if callID == nil || to == nil {
		return nil
	}
	tag, _ := to.Params.Get("tag")
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.subs[subKey(callID.Value(), tag)]
}

// subDialog is one subscription dialog (one Call-ID); a Subscription
// makes a new one each time it starts over.
type subDialog struct {
	s          *Subscription
	callID     string
	localTag   string
	from       *sip.FromHeader
	contact    *sip.ContactHeader
	transport  string
	dest       string
	laddr      sip.Addr
	cred       *Credentials
	terminated chan termination // a terminated NOTIFY came (capacity 1)

	mu           sync.Mutex
	remoteTag    string
	remoteTarget *sip.Uri
	routes       []sip.Uri
	cseq         uint32
	expires      int
	lastNotify   uint32
	notified     bool
	silent       bool // ended by us: answer NOTIFYs, deliver nothing
}

type termination struct {
	wait   time.Duration
	reason string
}

func newSubDialog(s *Subscription, or *outRequest) *subDialog {
	tag, _ := or.req.From().Params.Get("tag")
	return &subDialog{
		s: s, callID: or.req.CallID().Value(), localTag: tag,
		from: sip.HeaderClone(or.req.From()).(*sip.FromHeader), contact: or.contact, transport: or.req.Transport(),
		dest: or.req.Destination(), laddr: or.req.Laddr, cred: or.cred,
		terminated: make(chan termination, 1), expires: s.o.Expires,
	}
}

// confirm takes the accepting response: remote tag, target and route set
// (a NOTIFY that came first may have set them already).
func (d *subDialog) confirm(res *sip.Response, cseq uint32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cseq = cseq
	d.expires = grantedExpires(res, d.s.o.Expires)
	if d.remoteTag != "" {
		return
	}
	if to := res.To(); to != nil {
		d.remoteTag, _ = to.Params.Get("tag")
	}
	if c := res.Contact(); c != nil {
		t := *c.Address.Clone()
		d.remoteTarget = &t
	}
	// A UAC's route set is the Record-Route of the response, reversed.
	rr := recordRoutes(res.GetHeaders("Record-Route"))
	for i := len(rr) - 1; i >= 0; i-- {
		d.routes = append(d.routes, rr[i])
	}
}

func recordRoutes(hs []sip.Header) []sip.Uri {
	var out []sip.Uri
	for _, h := range hs {
		if rr, ok := h.(*sip.RecordRouteHeader); ok {
			out = append(out, *rr.Address.Clone())
		}
	}
	return out
}

func (d *subDialog) granted() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.expires
}

func (d *subDialog) setGranted(n int) {
	d.mu.Lock()
	d.expires = n
	d.mu.Unlock()
}

func (d *subDialog) quiet() {
	d.mu.Lock()
	d.silent = true
	d.mu.Unlock()
}

// subscribeInDialog refreshes (or with expires 0 ends) the subscription.
func (u *UA) subscribeInDialog(ctx context.Context, d *subDialog, o SubscribeOptions, expires int) (*sip.Response, error) {
	d.mu.Lock()
	target := d.s.to
	if d.remoteTarget != nil {
		target = *d.remoteTarget
	}
	req := sip.NewRequest(sip.SUBSCRIBE, *target.Clone())
	for _, r := range d.routes {
		req.AppendHeader(&sip.RouteHeader{Address: *r.Clone()})
	}
	to := &sip.ToHeader{Address: sip.Uri{Scheme: d.s.to.Scheme, User: d.s.to.User, Host: d.s.to.Host, Port: d.s.to.Port}, Params: sip.NewParams()}
	if d.remoteTag != "" {
		to.Params.Add("tag", d.remoteTag)
	}
	d.cseq++
	seq := d.cseq
	d.mu.Unlock()

	callID := sip.CallIDHeader(d.callID)
	maxFwd := sip.MaxForwardsHeader(70)
	req.AppendHeader(sip.HeaderClone(d.from))
	req.AppendHeader(to)
	req.AppendHeader(&callID)
	req.AppendHeader(&sip.CSeqHeader{SeqNo: seq, MethodName: sip.SUBSCRIBE})
	req.AppendHeader(&maxFwd)
	req.AppendHeader(sip.NewHeader("User-Agent", u.name))
	addSubscribeHeaders(req, d.contact, o, expires)
	req.SetTransport(d.transport)
	req.SetDestination(d.dest) // the account's proxy, like every request of ours
	req.Laddr = d.laddr
	res, err := u.doAuth(ctx, req, d.cred)
	d.mu.Lock()
	d.cseq = max(d.cseq, req.CSeq().SeqNo)
	d.mu.Unlock()
	return res, err
}

// onNotify answers a NOTIFY of this dialog and delivers it.
func (d *subDialog) onNotify(u *UA, req *sip.Request, tx sip.ServerTransaction) {
	if req.CSeq() == nil {
		u.respond(tx, req, sip.StatusBadRequest, "Missing CSeq", nil)
		return
	}
	event, _, _ := strings.Cut(headerValue(req, "Event", "o"), ";")
	if !strings.EqualFold(strings.TrimSpace(event), d.s.o.Event) {
		u.respond(tx, req, statusBadEvent, "Bad Event", nil)
		return
	}
	state := headerValue(req, "Subscription-State", "")
	if state == "" {
		u.respond(tx, req, sip.StatusBadRequest, "Missing Subscription-State", nil)
		return
	}
	n := Notification{Event: d.s.o.Event, Body: req.Body()}
	parts := strings.Split(state, ";")
	n.State = strings.ToLower(strings.TrimSpace(parts[0]))
	var retry time.Duration
	for _, p := range parts[1:] {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		switch strings.ToLower(k) {
		case "reason":
			n.Reason = strings.ToLower(strings.TrimSpace(v))
		case "retry-after":
			if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
				retry = time.Duration(s) * time.Second
			}
		case "expires":
			if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
				d.setGranted(s)
			}
		}
	}
	if ct := req.ContentType(); ct != nil {
		if mt, _, err := mime.ParseMediaType(ct.Value()); err == nil {
			n.ContentType = mt
		} else {
			n.ContentType = strings.ToLower(strings.TrimSpace(ct.Value()))
		}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	seq := req.CSeq().SeqNo
	if d.notified && seq <= d.lastNotify {
		// Reordered (sipgo serves each request on its own goroutine): the
		// newer state is already delivered.
		u.respond(tx, req, sip.StatusOK, "OK", nil)
		return
	}
	if d.remoteTag == "" {
		// The NOTIFY came before the 200 (RFC 6665 4.1.2.4): it sets up the dialog.
		if f := req.From(); f != nil {
			d.remoteTag, _ = f.Params.Get("tag")
		}
		rr := recordRoutes(req.GetHeaders("Record-Route"))
		d.routes = append(d.routes[:0], rr...)
	}
	if c := req.Contact(); c != nil {
		t := *c.Address.Clone()
		d.remoteTarget = &t
	}
	n.First = !d.notified
	d.notified, d.lastNotify = true, seq
	u.respond(tx, req, sip.StatusOK, "OK", nil)
	if d.silent {
		return
	}
	if n.State == "terminated" {
		d.silent = true
		var wait time.Duration
		switch n.Reason {
		case "", "deactivated", "timeout":
			// Try again at once (RFC 6665 4.1.3).
		case "probation", "giveup":
			wait = max(retry, d.s.o.RetryMin)
		default: // rejected, noresource, invariant: not soon
			wait = max(retry, d.s.o.RetryMax)
		}
		select {
		case d.terminated <- termination{wait: wait, reason: n.Reason}:
		default:
		}
	}
	if d.s.o.Notify != nil {
		d.s.o.Notify(n)
	}
}

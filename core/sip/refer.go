package sip

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Refer is a transfer request the far end sent in a call (RFC 3515).
type Refer struct {
	// Target is where to call: a sip: or sips: URI without headers, or the
	// number of a tel: URI.
	Target string
	// Replaces, when the Refer-To URI carries one, names the dialog the
	// new call takes over at the target (attended transfer).
	Replaces *Replaces
	// ReferredBy is the transferor's URI from Referred-By, "" when absent.
	ReferredBy string
}

// ReferProgress is one NOTIFY about a REFER we sent: the status of the
// transferee's call to the target (RFC 3515 section 2.4.5).
type ReferProgress struct {
	Code   int // 100 trying, 18x ringing, 2xx done, ≥300 failed; 0 when the NOTIFY had no body
	Reason string
	Final  bool // Subscription-State: terminated
}

var (
	// ErrReferPending means a REFER of ours in this dialog still awaits its outcome.
	ErrReferPending = errors.New("sip: a transfer is already in progress in this call")
	// ErrNoRefer means there is no accepted REFER to report progress on.
	ErrNoRefer = errors.New("sip: no transfer request to report on")
	// ErrBadReferTo means a Refer-To value or a transfer target is unusable.
	ErrBadReferTo = errors.New("sip: bad Refer-To")
	// errReferMethod: the Refer-To URI asks for another method than INVITE.
	errReferMethod = errors.New("sip: Refer-To asks for a method other than INVITE")
)

// referLinger is how long a dialog the far end hung up stays reachable for
// the NOTIFYs of our REFER (64*T1, the usual transaction lifetime).
const referLinger = 32 * time.Second

// referState is a dialog's transfer bookkeeping, guarded by Dialog.mu.
type referState struct {
	out         bool   // our REFER's subscription is alive
	outCSeq     uint32 // CSeq of the last NOTIFY taken: older ones arrive late
	byeDeferred bool   // the far end hung up meanwhile: forget the dialog when it ends

	in *inboundRefer // the far end's REFER we accepted, until our final NOTIFY
}

type inboundRefer struct {
	accepted chan struct{} // closed once our 202 is out: NOTIFYs must follow it
}

// ParseReferTo reads a Refer-To value: the target to call and, for an
// attended transfer, the Replaces carried as a URI header.
func ParseReferTo(v string) (target string, replaces *Replaces, err error) {
	v = strings.TrimSpace(v)
	if len(v) > 2048 || !validHeaderValue(v) {
		return "", nil, fmt.Errorf("%w: %q", ErrBadReferTo, clip(v))
	}
	uri := v
	if i := strings.IndexByte(v, '<'); i >= 0 {
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			return "", nil, fmt.Errorf("%w: no closing '>' in %q", ErrBadReferTo, clip(v))
		}
		uri = v[i+1 : i+j]
	} else if i := strings.IndexByte(v, ';'); i >= 0 {
		uri = v[:i] // addr-spec: parameters belong to the header
	}
	uri = strings.TrimSpace(uri)
	base, headers, _ := strings.Cut(uri, "?")
	scheme, rest, ok := strings.Cut(base, ":")
	if !ok {
		return "", nil, fmt.Errorf("%w: %q has no scheme", ErrBadReferTo, clip(uri))
	}
	switch strings.ToLower(scheme) {
	case "sip", "sips":
		if strings.ContainsAny(base, "<>\"\\ \t") {
			return "", nil, fmt.Errorf("%w: %q", ErrBadReferTo, clip(base))
		}
		u, err := ParseTarget(base)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrBadReferTo, err)
		}
		if m, ok := u.UriParams.Get("method"); ok && !strings.EqualFold(m, "INVITE") {
			return "", nil, fmt.Errorf("%w (%q)", errReferMethod, clip(m))
		}
		target = base
	case "tel":
		number, _, _ := strings.Cut(rest, ";")
		number = strings.Map(func(r rune) rune {
			if strings.ContainsRune("-.() ", r) {
				return -1 // visual separators (RFC 3966)
			}
			return r
		}, number)
		if number == "" || strings.Trim(number, "+0123456789*#") != "" {
			return "", nil, fmt.Errorf("%w: tel number %q", ErrBadReferTo, clip(rest))
		}
		target = number
	default:
		return "", nil, fmt.Errorf("%w: scheme %q", ErrBadReferTo, clip(scheme))
	}
	for _, h := range strings.Split(headers, "&") {
		name, value, _ := strings.Cut(h, "=")
		if !strings.EqualFold(name, "Replaces") {
			continue // other embedded headers are not honoured
		}
		if replaces != nil {
			return "", nil, fmt.Errorf("%w: Replaces twice", ErrBadReferTo)
		}
		raw, err := url.PathUnescape(value)
		if err != nil {
			return "", nil, fmt.Errorf("%w: Replaces: %w", ErrBadReferTo, err)
		}
		r, err := ParseReplaces(raw)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrBadReferTo, err)
		}
		replaces = &r
	}
	return target, replaces, nil
}

// FormatReferTo writes the Refer-To value for target (a SIP URI a user or
// the phone chose) and, for an attended transfer, the dialog to replace.
// It rejects what could break out of the header.
func FormatReferTo(target string, r *Replaces) (string, error) {
	u, err := ParseTarget(target)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrBadReferTo, err)
	}
	if u.Headers.Length() > 0 {
		return "", fmt.Errorf("%w: %q carries headers", ErrBadReferTo, clip(target))
	}
	s := u.String()
	if strings.ContainsAny(s, "<>\"?\\ \t") || !validHeaderValue(s) {
		return "", fmt.Errorf("%w: %q", ErrBadReferTo, clip(s))
	}
	if r != nil {
		if !r.Valid() {
			return "", fmt.Errorf("%w: %q", ErrBadReplaces, clip(r.String()))
		}
		s += "?Replaces=" + escapeURIHeader(r.String())
	}
	return "<" + s + ">", nil
}

// escapeURIHeader escapes a URI header value (RFC 3261 hvalue): every
// byte but the unreserved ones and "[]/:+$" becomes %XX.
func escapeURIHeader(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || strings.IndexByte("-_.!~*'()[]/:+$", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// validHeaderValue rejects control characters (CR and LF above all).
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 && s[i] != '\t' || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// Refer sends a REFER (blind or, with Replaces in referTo, attended
// transfer) and returns once the far end accepted it; its progress then
// comes to the handler's ReferProgress until EndRefer. referTo is a value
// made by FormatReferTo; referredBy a URI of ours, or "".
func (d *Dialog) Refer(ctx context.Context, referTo, referredBy string) error {
	if !validHeaderValue(referTo) || !validHeaderValue(referredBy) {
		return fmt.Errorf("%w: control character", ErrBadReferTo)
	}
	if strings.ContainsAny(referredBy, "<>\" ") {
		referredBy = "" // optional: better none than a broken header
	}
	d.mu.Lock()
	if d.refer.out {
		d.mu.Unlock()
		return ErrReferPending
	}
	// Alive before the REFER leaves: the first NOTIFY may overtake the 202.
	d.refer.out, d.refer.outCSeq = true, 0
	d.mu.Unlock()
	req := sip.NewRequest(sip.REFER, d.remoteTarget())
	req.AppendHeader(sip.NewHeader("Refer-To", referTo))
	if referredBy != "" {
		req.AppendHeader(sip.NewHeader("Referred-By", "<"+referredBy+">"))
	}
	res, err := d.do(ctx, req)
	if err != nil {
		d.EndRefer()
		return fmt.Errorf("%w: REFER: %v", ErrNoResponse, err)
	}
	if !res.IsSuccess() {
		d.EndRefer()
		return statusError(res)
	}
	return nil
}

// EndRefer stops following our REFER: later NOTIFYs get 481.
func (d *Dialog) EndRefer() {
	d.mu.Lock()
	deferred := d.refer.byeDeferred
	d.refer.out, d.refer.byeDeferred = false, false
	d.mu.Unlock()
	if deferred {
		d.ua.dialogs.Delete(d.id)
	}
}

// deferDelete keeps a dialog the far end hung up reachable while our
// REFER's subscription lives; false when there is none.
func (d *Dialog) deferDelete() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.refer.out {
		return false
	}
	d.refer.byeDeferred = true
	time.AfterFunc(referLinger, d.EndRefer)
	return true
}

// NotifyRefer reports the progress of the call a REFER we accepted asked
// for (RFC 3515 NOTIFY with a sipfrag). final ends the subscription; it
// must come once, with the final status. It waits for our 202 to be out.
func (d *Dialog) NotifyRefer(ctx context.Context, code int, reason string, final bool) error {
	d.mu.Lock()
	in := d.refer.in
	if final {
		d.refer.in = nil // a new REFER may come once this one is settled
	}
	d.mu.Unlock()
	if in == nil {
		return ErrNoRefer
	}
	select {
	case <-in.accepted:
	case <-ctx.Done():
		return ctx.Err()
	}
	state := "active;expires=60"
	if final {
		state = "terminated;reason=noresource"
	}
	req := sip.NewRequest(sip.NOTIFY, d.remoteTarget())
	req.AppendHeader(sip.NewHeader("Event", "refer"))
	req.AppendHeader(sip.NewHeader("Subscription-State", state))
	req.AppendHeader(sip.NewHeader("Content-Type", SipfragContentType))
	req.SetBody(FormatSipfrag(code, reason))
	res, err := d.do(ctx, req)
	if err != nil {
		return fmt.Errorf("%w: NOTIFY: %v", ErrNoResponse, err)
	}
	if !res.IsSuccess() {
		return statusError(res)
	}
	return nil
}

// handleRefer takes the far end's REFER: 400 without one usable Refer-To,
// 491 while an earlier one is under way, else the handler decides (202 or
// its refusal).
func (u *UA) handleRefer(d *Dialog, req *sip.Request, tx sip.ServerTransaction) {
	hs := append(req.GetHeaders("Refer-To"), req.GetHeaders("r")...)
	if len(hs) != 1 {
		u.respond(tx, req, sip.StatusBadRequest, "Bad Request (one Refer-To needed)", nil)
		return
	}
	target, replaces, err := ParseReferTo(hs[0].Value())
	if errors.Is(err, errReferMethod) {
		u.respond(tx, req, sip.StatusNotImplemented, "Not Implemented", nil)
		return
	}
	if err != nil {
		u.log.Debug("sip: REFER", "error", err)
		u.respond(tx, req, sip.StatusBadRequest, "Bad Request (Refer-To)", nil)
		return
	}
	h := d.getHandler()
	if h == nil {
		u.respond(tx, req, sip.StatusGlobalDecline, "Decline", nil)
		return
	}
	in := &inboundRefer{accepted: make(chan struct{})}
	d.mu.Lock()
	busy := d.refer.in != nil
	if !busy {
		d.refer.in = in
	}
	d.mu.Unlock()
	if busy {
		u.respond(tx, req, sip.StatusRequestPending, "Request Pending", nil)
		return
	}
	err = h.Refer(Refer{Target: target, Replaces: replaces, ReferredBy: referredBy(req)})
	if err != nil {
		d.mu.Lock()
		if d.refer.in == in {
			d.refer.in = nil
		}
		d.mu.Unlock()
		code, reason := sip.StatusGlobalDecline, "Decline"
		var se *StatusError
		if errors.As(err, &se) {
			code, reason = se.Code, se.Reason
		}
		u.respond(tx, req, code, reason, nil)
		return
	}
	u.respond(tx, req, sip.StatusAccepted, "Accepted", nil)
	close(in.accepted)
}

// referredBy is the Referred-By URI (RFC 3892), "" when absent or unusable.
func referredBy(req *sip.Request) string {
	h := req.GetHeader("Referred-By")
	if h == nil {
		h = req.GetHeader("b")
	}
	if h == nil {
		return ""
	}
	if rb, ok := h.(*sip.ReferredByHeader); ok {
		return safeURI(rb.Address)
	}
	var addr sip.Uri
	params := sip.NewParams()
	if _, err := sip.ParseAddressValue(h.Value(), &addr, &params); err != nil {
		return ""
	}
	return safeURI(addr)
}

// safeURI is a sip: or sips: URI fit to be written into a header, or "".
func safeURI(u sip.Uri) string {
	s := strings.ToLower(u.Scheme)
	if s != "sip" && s != "sips" || u.Host == "" {
		return ""
	}
	out := uriString(u)
	if strings.ContainsAny(out, "<>\"?\\ \t") || !validHeaderValue(out) {
		return ""
	}
	return out
}

// handleReferNotify takes a NOTIFY about our REFER.
func (u *UA) handleReferNotify(d *Dialog, req *sip.Request, tx sip.ServerTransaction) {
	event := req.GetHeader("Event")
	if event == nil {
		event = req.GetHeader("o")
	}
	if event == nil || !strings.EqualFold(headerToken(event.Value()), "refer") {
		u.respond(tx, req, 489, "Bad Event", nil)
		return
	}
	d.mu.Lock()
	active := d.refer.out
	d.mu.Unlock()
	if !active {
		u.respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Subscription Does Not Exist", nil)
		return
	}
	var p ReferProgress
	if ct := req.ContentType(); ct != nil && !strings.EqualFold(headerToken(ct.Value()), "message/sipfrag") {
		u.respond(tx, req, sip.StatusUnsupportedMediaType, "Unsupported Media Type", nil)
		return
	}
	if body := req.Body(); len(body) > 0 {
		var err error
		if p.Code, p.Reason, err = ParseSipfrag(body); err != nil {
			u.log.Debug("sip: NOTIFY refer", "error", err)
			u.respond(tx, req, sip.StatusBadRequest, "Bad Request (sipfrag)", nil)
			return
		}
	}
	if ss := req.GetHeader("Subscription-State"); ss != nil {
		p.Final = strings.EqualFold(headerToken(ss.Value()), "terminated")
	}
	u.respond(tx, req, sip.StatusOK, "OK", nil)
	seq := uint32(0)
	if cs := req.CSeq(); cs != nil {
		seq = cs.SeqNo
	}
	d.mu.Lock()
	stale := !d.refer.out || seq != 0 && seq <= d.refer.outCSeq
	if !stale {
		d.refer.outCSeq = seq
	}
	d.mu.Unlock()
	if stale {
		return // each NOTIFY runs on its own goroutine: an older one came late
	}
	// The subscription ends before the final report goes up, so whoever
	// acts on the report finds the dialog's state already settled.
	if p.Final {
		d.EndRefer()
	}
	if h := d.getHandler(); h != nil && (p.Code != 0 || p.Final) {
		h.ReferProgress(p)
	}
}

// headerToken is a header value's first element, before any parameter.
func headerToken(v string) string {
	t, _, _ := strings.Cut(v, ";")
	return strings.TrimSpace(t)
}

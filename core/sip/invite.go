package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// InviteOptions describe one outgoing call.
type InviteOptions struct {
	From     *Target                                    // the account placing the call; nil for a direct call
	To       string                                     // request URI: "sip:bob@example.com", "sip:bob@10.0.0.2:5070"
	Offer    []byte                                     // SDP
	Progress func(code int, reason string, body []byte) // 1xx responses, in arrival order
	// Headers are extra headers (Replaces, Referred-By, Call-Info...). The
	// caller validates their values: sipgo writes them as given.
	Headers []Header
	// Handler takes the far end's in-dialog requests from the moment the
	// dialog exists: a BYE or re-INVITE may follow our ACK at once.
	Handler DialogHandler
	// Early is the early dialog's Call-ID and our From tag, chosen before
	// the INVITE goes out (see NewEarly), so that an INVITE with Replaces
	// naming the call while it rings (call pickup) can be matched.
	Early Early
}

// Early identifies an outgoing call's dialog from our side before it is
// answered.
type Early struct{ CallID, FromTag string }

// NewEarly picks a fresh Call-ID and From tag.
func NewEarly() Early { return Early{CallID: newCallID(), FromTag: sip.GenerateTagN(16)} }

// MatchesReplaces says whether r names this call seen from the far end
// (r's to-tag is the receiver's own tag: ours).
func (e Early) MatchesReplaces(r Replaces) bool {
	return e.CallID != "" && r.CallID == e.CallID && r.ToTag == e.FromTag
}

// Header is one extra header of a request we send.
type Header struct{ Name, Value string }

// ParseTarget checks a SIP URI a user typed, or a peer or server sent,
// and returns it parsed. It takes sip: and sips: URIs (the scheme may be
// left out), with parameters. sipgo writes a URI into the request line and
// the To header as given, so it refuses what could break out of them or
// address someone else: controls, spaces, quotes, angle brackets, commas
// and backslashes; another scheme (tel:, http:...), a password, embedded
// headers, a host that is neither a name nor an IP address, and a port
// outside 1-65535.
func ParseTarget(s string) (sip.Uri, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f:
			return sip.Uri{}, fmt.Errorf("sip: address %q contains a control character", s)
		case r == ' ' || strings.ContainsRune(`<>"\,`, r):
			return sip.Uri{}, fmt.Errorf("sip: address %q: %q is not allowed in an address", s, r)
		}
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "sip:") && !strings.HasPrefix(lower, "sips:") {
		if scheme, rest, ok := strings.Cut(s, ":"); ok && isSchemeName(scheme) && !startsWithDigit(rest) {
			// Not host:port: a URI of another scheme.
			return sip.Uri{}, fmt.Errorf("sip: address %q: %s: is not a sip: or sips: address", s, scheme)
		}
		s = "sip:" + s
	}
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return sip.Uri{}, fmt.Errorf("sip: address %q: %w", s, err)
	}
	switch {
	case u.Host == "":
		return sip.Uri{}, fmt.Errorf("sip: address %q has no host", s)
	case !validHost(u.Host):
		return sip.Uri{}, fmt.Errorf("sip: address %q: bad host %q", s, u.Host)
	case u.Password != "":
		return sip.Uri{}, fmt.Errorf("sip: address %q carries a password", s)
	case u.Headers.Length() > 0:
		return sip.Uri{}, fmt.Errorf("sip: address %q carries headers", s)
	}
	// sipgo reads the port with Atoi: "+5060", "-1" and "99999" pass it.
	if port := portText(s); port != "" && (port != strconv.Itoa(u.Port) || u.Port < 1 || u.Port > 65535) {
		return sip.Uri{}, fmt.Errorf("sip: address %q: bad port %q", s, port)
	}
	return u, nil
}

// isSchemeName: RFC 3986 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isSchemeName(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && !strings.ContainsRune("+-.", rune(s[i])) {
			return false
		}
	}
	return true
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// validHost: a host name or IPv4 address (letters, digits, "-", ".", and
// "_" seen in the field), or an IPv6 reference in brackets.
func validHost(h string) bool {
	if inner, ok := strings.CutPrefix(h, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		a, err := netip.ParseAddr(inner)
		return ok && err == nil && a.Is6()
	}
	for i := 0; i < len(h); i++ {
		if !isAlnum(h[i]) && !strings.ContainsRune("-._", rune(h[i])) {
			return false
		}
	}
	return h != ""
}

// portText is the port of the sip: URI s as written ("" for none): after
// the user part, before parameters and headers, as sipgo splits them.
func portText(s string) string {
	_, rest, _ := strings.Cut(s, ":") // the scheme
	if at := strings.IndexByte(rest, '@'); at >= 0 && !strings.Contains(rest[:at], "[") {
		rest = rest[at+1:]
	}
	if i := strings.IndexAny(rest, ";?"); i >= 0 {
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, "[") {
		_, rest, _ = strings.Cut(rest, "]")
		port, _ := strings.CutPrefix(rest, ":")
		return port
	}
	_, port, _ := strings.Cut(rest, ":")
	return port
}

// Invite places a call and waits for the final answer. Cancelling ctx
// before the answer sends CANCEL. A final non-2xx answer is a *StatusError.
func (u *UA) Invite(ctx context.Context, o InviteOptions) (*Dialog, []byte, error) {
	to, err := ParseTarget(o.To)
	if err != nil {
		return nil, nil, err
	}
	req, contact, err := u.newInvite(ctx, o, to)
	if err != nil {
		return nil, nil, err
	}
	dua := &sipgo.DialogUA{Client: u.client, ContactHDR: *contact}
	answered := map[string]bool{}
	for attempt := 0; ; attempt++ {
		fitTransport(req)
		sess, err := dua.WriteInvite(ctx, req, u.addVia)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: INVITE %s: %v", ErrNoResponse, o.To, err)
		}
		var progress *sip.Response // the latest 1xx from the far end
		err = sess.WaitAnswer(ctx, sipgo.AnswerOptions{OnResponse: func(res *sip.Response) error {
			switch {
			case res.StatusCode == sip.StatusTrying && progress != nil:
				// A proxy's 100 can arrive after the far end's 180 (each
				// response has its own goroutine); sipgo routes a CANCEL
				// by the response it kept last, and only the far end's
				// carries the Record-Route that leads back through the
				// proxy: without it the CANCEL would go to port 5060.
				sess.InviteResponse = progress
			case res.IsProvisional() && res.StatusCode != sip.StatusTrying:
				progress = res
			}
			if res.IsProvisional() && o.Progress != nil {
				o.Progress(res.StatusCode, res.Reason, res.Body())
			}
			return nil
		}})
		var resErr *sipgo.ErrDialogResponse
		if errors.As(err, &resErr) && isChallenge(resErr.Res.StatusCode) && o.From != nil && attempt < maxAuthTries {
			// Answered here rather than by sipgo, which takes the first
			// challenge only: ours picks the strongest, as for REGISTER.
			key, stale, aerr := authorize(req, resErr.Res, Credentials{Username: o.From.AuthUsername, Password: o.From.Password})
			if aerr != nil {
				return nil, nil, aerr
			}
			if !answered[key] || stale {
				answered[key] = true
				req.CSeq().SeqNo++
				req.RemoveHeader("Via")
				continue
			}
		}
		if err != nil {
			if res := sess.InviteResponse; res != nil && res.IsSuccess() && ctx.Err() != nil {
				// The 200 crossed our CANCEL: the call is up at the far
				// end, so acknowledge and end it rather than leave it to
				// the far end's no-media guard.
				endCrossed(sess, u.log)
			}
			sess.Close()
			if errors.As(err, &resErr) {
				if isChallenge(resErr.Res.StatusCode) {
					return nil, nil, fmt.Errorf("%w: %w", ErrAuth, &StatusError{Code: resErr.Res.StatusCode, Reason: resErr.Res.Reason})
				}
				return nil, nil, statusError(resErr.Res)
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, nil, ctxErr
			}
			return nil, nil, fmt.Errorf("%w: INVITE %s: %v", ErrNoResponse, o.To, err)
		}
		if err := sess.Ack(context.WithoutCancel(ctx)); err != nil {
			return nil, nil, fmt.Errorf("sip: ACK: %w", err)
		}
		d := &Dialog{ua: u, id: sess.ID, client: sess, local: contact, handler: o.Handler, peer: sourceOf(sess.InviteResponse)}
		u.dialogs.Store(d)
		return d, sess.InviteResponse.Body(), nil
	}
}

func (u *UA) newInvite(ctx context.Context, o InviteOptions, to sip.Uri) (*sip.Request, *sip.ContactHeader, error) {
	or, err := u.newOutRequest(ctx, sip.INVITE, o.From, to, o.Early)
	if err != nil {
		return nil, nil, err
	}
	req := or.req
	req.AppendHeader(or.contact)
	req.AppendHeader(sip.NewHeader("Allow", allowed))
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	for _, h := range o.Headers {
		req.AppendHeader(sip.NewHeader(h.Name, h.Value))
	}
	req.SetBody(o.Offer)
	return req, or.contact, nil
}

// udpLimit is the size above which a request leaves UDP for TCP (RFC 3261
// 18.1.1: within 200 bytes of a 1500-byte path MTU), less room for the Via
// the transaction adds.
const udpLimit = 1300 - 100

// fitTransport sends req over TCP when it is too large for UDP: ICE
// candidates, keys and a digest answer make INVITEs that large, and a
// fragmented UDP request is lost on many networks (sipgo refuses to send
// one).
func fitTransport(req *sip.Request) {
	if req.Transport() == "UDP" && len(req.String()) > udpLimit {
		req.SetTransport("TCP")
		req.Laddr = sip.Addr{} // the UDP socket's port: a TCP connection takes its own
	}
}

// endCrossed ACKs and BYEs a call answered while we cancelled it.
func endCrossed(sess *sipgo.DialogClientSession, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sess.Ack(ctx); err != nil {
		log.Debug("sip: ack of a cancelled call's 200", "error", err)
		return
	}
	if err := sess.Bye(ctx); err != nil {
		log.Debug("sip: bye of a cancelled call", "error", err)
	}
}

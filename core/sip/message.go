package sip

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emiago/sipgo/sip"
)

// MaxMessageSize bounds a MESSAGE body either way. RFC 3428 wants pager
// mode requests small (larger content belongs to a session, MSRP); 16 KiB
// of text is pages of it, and the whole request stays well under the
// 64 KiB that SIP parsers (sipgo's, Kamailio's) and UDP accept.
const MaxMessageSize = 16 << 10

// ErrMessageTooLarge is returned for a text over MaxMessageSize.
var ErrMessageTooLarge = fmt.Errorf("sip: message larger than %d bytes", MaxMessageSize)

// MessageOptions describe one SIP MESSAGE (RFC 3428, pager mode).
type MessageOptions struct {
	From *Target // the account sending; nil for a direct message
	To   string  // request URI
	Text string  // UTF-8, sent as text/plain;charset=UTF-8
}

// SendMessage sends a MESSAGE and waits for its final answer (bounded by
// ctx): nil for a 2xx, a *StatusError for another answer, an error
// wrapping ErrNoResponse when none came, ErrAuth when credentials failed.
func (u *UA) SendMessage(ctx context.Context, o MessageOptions) error {
	if len(o.Text) > MaxMessageSize {
		return ErrMessageTooLarge
	}
	if !utf8.ValidString(o.Text) {
		return errors.New("sip: message text is not valid UTF-8")
	}
	to, err := ParseTarget(o.To)
	if err != nil {
		return err
	}
	or, err := u.newOutRequest(ctx, sip.MESSAGE, o.From, to, Early{})
	if err != nil {
		return err
	}
	or.req.AppendHeader(sip.NewHeader("Content-Type", "text/plain;charset=UTF-8"))
	or.req.SetBody([]byte(o.Text))
	res, err := u.doAuth(ctx, or.req, or.cred)
	if err != nil {
		if res != nil && errors.Is(err, ErrAuth) {
			return fmt.Errorf("%w: %w", err, statusError(res))
		}
		return err
	}
	if !res.IsSuccess() {
		return statusError(res)
	}
	return nil
}

// IncomingMessage is a MESSAGE someone sent us.
type IncomingMessage struct {
	From    Party
	To      Party
	Text    string
	CallID  string // with CSeq and FromTag, what tells a resent MESSAGE from a new one
	CSeq    uint32
	FromTag string
	Source  string
}

// HandleMessages routes incoming text MESSAGEs to h, which returns the
// status to answer (200, or 404/403 for a user not ours) and must not
// block. Until set, MESSAGEs are answered 480 Temporarily Unavailable.
func (u *UA) HandleMessages(h func(IncomingMessage) (code int, reason string)) {
	u.events.mu.Lock()
	u.events.onMessage = h
	u.events.mu.Unlock()
}

// handleMessage takes an incoming SIP MESSAGE: plain text is delivered and
// answered 200; isComposing indications are taken and ignored; any other
// body gets 415 with the type we accept.
func (u *UA) handleMessage(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil && to.Params.Has("tag") && u.dialogs.match(req) == nil {
		// In-dialog MESSAGE for no dialog of ours.
		u.respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil)
		return
	}
	if req.From() == nil || req.To() == nil || req.CallID() == nil {
		// sipgo passes on a request with only Via and CSeq: without its
		// sender there is no one to show it from or reply to.
		u.respond(tx, req, sip.StatusBadRequest, "Bad Request (From, To, Call-ID needed)", nil)
		return
	}
	if !req.To().Params.Has("tag") {
		if _, ok := u.admitted(req, tx); !ok {
			return
		}
	}
	body := req.Body()
	if len(body) > MaxMessageSize {
		u.respond(tx, req, sip.StatusRequestEntityTooLarge, "Request Entity Too Large", nil)
		return
	}
	ct := "text/plain" // RFC 3261 7.4.1: no Content-Type and a body is unusual; take it as text
	params := map[string]string{}
	if h := req.ContentType(); h != nil {
		mt, p, err := mime.ParseMediaType(h.Value())
		if err != nil {
			u.unsupported(tx, req)
			return
		}
		ct, params = mt, p
	}
	switch ct {
	case "text/plain":
	case "application/im-iscomposing+xml":
		u.respond(tx, req, sip.StatusOK, "OK", nil) // typing indication (RFC 3994): nothing to show yet
		return
	default:
		u.unsupported(tx, req)
		return
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		u.unsupported(tx, req)
		return
	}
	if !utf8.Valid(body) {
		u.respond(tx, req, sip.StatusBadRequest, "Body Is Not UTF-8", nil)
		return
	}
	u.events.mu.Lock()
	h := u.events.onMessage
	u.events.mu.Unlock()
	if h == nil {
		u.respond(tx, req, sip.StatusTemporarilyUnavailable, "Temporarily Unavailable", nil)
		return
	}
	m := IncomingMessage{Text: string(body), Source: req.Source()}
	if f := req.From(); f != nil {
		m.From = Party{DisplayName: f.DisplayName, URI: uriString(f.Address), User: f.Address.User}
		m.FromTag, _ = f.Params.Get("tag")
	}
	if t := req.To(); t != nil {
		m.To = Party{DisplayName: t.DisplayName, URI: uriString(t.Address), User: req.Recipient.User}
	}
	if c := req.CallID(); c != nil {
		m.CallID = c.Value()
	}
	if c := req.CSeq(); c != nil {
		m.CSeq = c.SeqNo
	}
	code, reason := h(m)
	u.respond(tx, req, code, reason, nil)
}

// unsupported answers 415 saying what we take.
func (u *UA) unsupported(tx sip.ServerTransaction, req *sip.Request) {
	res := sip.NewResponseFromRequest(req, sip.StatusUnsupportedMediaType, "Unsupported Media Type", nil)
	res.AppendHeader(sip.NewHeader("Accept", "text/plain"))
	if err := tx.Respond(res); err != nil {
		u.log.Debug("sip: respond 415", "error", err)
	}
}

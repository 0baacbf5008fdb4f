package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// ParseTarget checks a URI a user typed and returns it parsed. It accepts
// sip: and sips: URIs (scheme optional) and rejects control characters.
func ParseTarget(s string) (sip.Uri, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return sip.Uri{}, fmt.Errorf("sip: address %q contains a control character", s)
		}
	}
	if !strings.HasPrefix(strings.ToLower(s), "sip:") && !strings.HasPrefix(strings.ToLower(s), "sips:") {
		s = "sip:" + s
	}
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return sip.Uri{}, fmt.Errorf("sip: address %q: %w", s, err)
	}
	if u.Host == "" {
		return sip.Uri{}, fmt.Errorf("sip: address %q has no host", s)
	}
	return u, nil
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
		sess, err := dua.WriteInvite(ctx, req, u.addVia)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: INVITE %s: %v", ErrNoResponse, o.To, err)
		}
		err = sess.WaitAnswer(ctx, sipgo.AnswerOptions{OnResponse: func(res *sip.Response) error {
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
		d := &Dialog{ua: u, id: sess.ID, client: sess, local: contact}
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

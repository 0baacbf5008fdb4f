package sip

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// PublishOptions describe one PUBLISH (RFC 3903): an event state of ours
// (presence) or, from a voicemail server's seat, of someone else's mailbox.
type PublishOptions struct {
	From        Target
	To          string // presentity; "" = the account's own AoR
	Event       string // "presence", "message-summary", "dialog"
	ContentType string // "" with no body (a refresh)
	Body        []byte
	Expires     int    // seconds; 0 removes the published state
	ETag        string // SIP-If-Match: the entity tag of the state refreshed, changed or removed
}

// PublishResult is an accepted PUBLISH.
type PublishResult struct {
	ETag    string // SIP-ETag: what the next PUBLISH names
	Expires int    // lifetime granted
}

// ErrPublishETag means the server no longer knows the entity tag (412):
// publish the full state afresh.
var ErrPublishETag = errors.New("sip: 412 Conditional Request Failed: entity tag unknown")

// Publish sends one PUBLISH and waits for the answer (bounded by ctx).
func (u *UA) Publish(ctx context.Context, o PublishOptions) (PublishResult, error) {
	if err := eventToken(o.Event); err != nil {
		return PublishResult{}, err
	}
	if err := checkHeaderValue("content type", o.ContentType); err != nil {
		return PublishResult{}, err
	}
	if err := checkHeaderValue("entity tag", o.ETag); err != nil || strings.ContainsAny(o.ETag, " ,;") {
		return PublishResult{}, fmt.Errorf("sip: entity tag %q is not a token", o.ETag)
	}
	if len(o.Body) > 0 && o.ContentType == "" {
		return PublishResult{}, errors.New("sip: PUBLISH body without a content type")
	}
	if o.To == "" {
		o.To = "sip:" + o.From.Username + "@" + o.From.Domain
	}
	to, err := ParseTarget(o.To)
	if err != nil {
		return PublishResult{}, err
	}
	if o.From.AuthUsername == "" {
		o.From.AuthUsername = o.From.Username
	}
	or, err := u.newOutRequest(ctx, sip.PUBLISH, &o.From, to, Early{})
	if err != nil {
		return PublishResult{}, err
	}
	req := or.req
	exp := sip.ExpiresHeader(o.Expires)
	req.AppendHeader(sip.NewHeader("Event", o.Event))
	req.AppendHeader(&exp)
	if o.ETag != "" {
		req.AppendHeader(sip.NewHeader("SIP-If-Match", o.ETag))
	}
	if len(o.Body) > 0 {
		req.AppendHeader(sip.NewHeader("Content-Type", o.ContentType))
	}
	req.SetBody(o.Body)
	res, err := u.doAuth(ctx, req, or.cred)
	if err != nil {
		return PublishResult{}, err
	}
	switch {
	case res.StatusCode == statusConditionalRequestFailed:
		return PublishResult{}, ErrPublishETag
	case !res.IsSuccess():
		return PublishResult{}, fmt.Errorf("sip: PUBLISH %s: %w", o.Event, statusError(res))
	}
	out := PublishResult{Expires: grantedExpires(res, o.Expires), ETag: o.ETag}
	if h := res.GetHeader("SIP-ETag"); h != nil {
		out.ETag = strings.TrimSpace(h.Value())
	}
	return out, nil
}

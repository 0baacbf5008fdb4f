// Package forward is call forwarding both ways: as the callee we answer
// a caller's INVITE with 302 and a Contact naming the target (at once, on
// busy, or after ringing unanswered); as the caller we follow the 3xx a
// callee or its server answers ours with, and stop at loops.
package forward

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
)

// URI turns account a's forwarding target into the URI that goes into
// the Contact, read as every address is (a user or number is at a's
// domain). a's own address is refused: the caller would come straight
// back to us.
func URI(a config.Account, target string) (string, error) {
	uri, _, err := sip.AddressURI(target, a.Domain)
	if err != nil {
		return "", fmt.Errorf("forward to %q: %w", target, err)
	}
	if isSelf(a, uri) {
		return "", fmt.Errorf("forward to %q: that is this account itself", target)
	}
	return uri, nil
}

// isSelf reports whether uri is a's own address.
func isSelf(a config.Account, uri string) bool {
	own, err := sip.ParseTarget("sip:" + a.Username + "@" + a.Domain)
	if err != nil {
		return false
	}
	u, err := sip.ParseTarget(uri)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.User, own.User) && strings.EqualFold(u.Host, own.Host) && u.Port == own.Port
}

// Now answers a new INVITE for account a with 302 to target before it
// rings (no media opened). ok is false when target is unusable: the call
// then rings as usual. Otherwise reason and code are what the call,
// recorded as one that never rang, ended with.
func Now(log *slog.Logger, in *sip.Incoming, a config.Account, target, why string) (reason string, code int, ok bool) {
	uri, err := URI(a, target)
	if err != nil {
		log.Warn("call forwarding skipped", "account", a.Name, "why", why, "error", err)
		return "", 0, false
	}
	if err := in.Redirect(uri); err != nil {
		// The caller gave up meanwhile, or the transaction broke.
		log.Warn("call forwarding failed", "account", a.Name, "to", uri, "error", err)
		return "could not forward: " + err.Error(), 0, true
	}
	log.Info("call forwarded", "account", a.Name, "from", in.From.URI, "to", uri, "why", why)
	return "forwarded to " + uri, 302, true
}

// Ringing is a call ringing for us that no-answer forwarding may take.
type Ringing interface {
	// StillRingingAfter waits d and says whether the call still rings
	// (not answered, refused or cancelled meanwhile).
	StillRingingAfter(d time.Duration) bool
	// Settle claims the right to send the call's final answer: false when
	// an answer or a refusal came first.
	Settle() bool
	// End ends the call for the user.
	End(reason string, code int)
	// Redirect answers the call's INVITE with 302 to uri.
	Redirect(uri string) error
}

// OnNoAnswer forwards call id of account a to target once it has rung
// for a's no-answer delay, unless it was answered, rejected or cancelled
// meanwhile.
func OnNoAnswer(log *slog.Logger, id string, c Ringing, a config.Account, target string) {
	uri, err := URI(a, target)
	if err != nil {
		log.Warn("no-answer forwarding skipped", "call", id, "error", err)
		return
	}
	if !c.StillRingingAfter(a.NoAnswerDelay()) || !c.Settle() {
		return // answered, refused or given up meanwhile
	}
	// Ended first, as a rejection is: the 302 ends the INVITE transaction,
	// which the watcher of the caller's CANCEL would take for one.
	c.End("forwarded to "+uri, 302)
	if err := c.Redirect(uri); err != nil {
		log.Warn("no-answer forwarding failed", "call", id, "to", uri, "error", err)
		return
	}
	log.Info("call forwarded on no answer", "call", id, "to", uri)
}

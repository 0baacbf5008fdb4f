package core

import (
	"context"
	"fmt"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/policy"
	"github.com/softphone/softphone/core/sip"
)

// What an account's settings do with a new call (policy.Screen): forward
// it at once, refuse it (do not disturb, busy when in a call), or let it
// ring and then answer it ourselves or forward it when nobody answers.

// Reasons of calls that ended without ringing.
const (
	ReasonDND  = policy.ReasonDND
	ReasonBusy = policy.ReasonBusy
)

// screen acts on policy.Screen before a new call rings; true when it has
// answered the INVITE. Direct calls have no account, hence no settings.
func (p *Engine) screen(in *sip.Incoming, ln *line) bool {
	if ln == nil {
		return false
	}
	s := policy.Screen(ln.Cfg.Features, p.inCall())
	if s.ForwardAlways != "" && p.forwardNow(in, ln, s.ForwardAlways, "always") {
		return true
	}
	if s.Refuse == "" {
		return false
	}
	if s.ForwardBusy != "" && p.forwardNow(in, ln, s.ForwardBusy, s.Refuse) {
		return true
	}
	if err := in.Reject(486, "Busy Here"); err != nil {
		p.o.log.Debug("call: refuse", "account", ln.Cfg.Name, "error", err)
	}
	p.o.log.Info("call refused", "account", ln.Cfg.Name, "from", in.From.URI, "why", s.Refuse)
	p.screened(in, ln, s.Refuse, 486)
	return true
}

// inCall is policy.Busy of the calls now.
func (p *Engine) inCall() bool { return policy.Busy(p.callInfos()) }

// afterRing decides what follows once a call rings: answering it ourselves
// (auto-answer, a caller's answer-after hint) and no-answer forwarding.
// The waiting tone follows the call events. It marks the call
// before its first event; start runs the timers once that event is out.
func (p *Engine) afterRing(c *activeCall) (start func()) {
	if c.ln == nil {
		return func() {}
	}
	f := c.ln.Cfg.Features
	delay, auto := p.autoAnswerDelay(c, f)
	return func() {
		if auto {
			go p.autoAnswer(c, delay)
		}
		if f.ForwardNoAnswer != "" {
			go p.forwardOnNoAnswer(c, f.ForwardNoAnswer)
		}
	}
}

// SetDND turns do-not-disturb on or off on account ("" = every account).
// It is saved like any account change (UpdateAccounts), so it survives a
// restart, and applies to the next call; registrations go on untouched.
func (p *Engine) SetDND(ctx context.Context, account string, on bool) error {
	return p.editAccounts(ctx, account, func(a *config.Account) { a.DND = on })
}

// SetForwarding sets where account ("" = every account) forwards the
// calls it does not take, all of it at once (the zero Forwarding turns it
// off); saved and applied like SetDND.
func (p *Engine) SetForwarding(ctx context.Context, account string, f Forwarding) error {
	return p.editAccounts(ctx, account, func(a *config.Account) {
		a.ForwardAlways, a.ForwardBusy, a.ForwardNoAnswer = f.Always, f.Busy, f.NoAnswer
		a.ForwardNoAnswerAfter = f.NoAnswerAfter
	})
}

// editAccounts applies edit to account ("" = all) and saves the result
// when it changed anything.
func (p *Engine) editAccounts(ctx context.Context, account string, edit func(*config.Account)) error {
	accounts := p.Config().Accounts
	changed, found := false, account == ""
	for i := range accounts {
		if account != "" && accounts[i].Name != account {
			continue
		}
		found = true
		before := accounts[i]
		edit(&accounts[i])
		changed = changed || !accounts[i].Equal(before)
	}
	if !found {
		return fmt.Errorf("%w %q", ErrUnknownAccount, account)
	}
	if !changed {
		return nil
	}
	return p.UpdateAccounts(ctx, accounts)
}

// Decline refuses a ringing call: 486 Busy Here while another call is up
// (the caller hears busy, as from a phone in use), 603 Decline otherwise.
func (p *Engine) Decline(id string) error {
	return p.Reject(id, policy.DeclineCode(p.callInfos(), id))
}

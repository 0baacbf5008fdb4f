package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/softphone/softphone/core/subs"
)

// Voicemail indication, busy lamps, our presence and messages run beside
// the registrations, in the subs package; these are the phone's commands
// for them.

// MaxWatched bounds the busy lamps: each is a subscription the server
// keeps for us.
const MaxWatched = subs.MaxWatched

// MaxMessageBytes is the longest text SendMessage takes (UTF-8 bytes).
const MaxMessageBytes = subs.MaxMessageBytes

// ErrNoVoicemail is returned by DialVoicemail when no account has a
// voicemail number.
var ErrNoVoicemail = errors.New("no voicemail number configured")

// ErrNotRinging is returned by Pickup when the extension has no call to take.
var ErrNotRinging = subs.ErrNotRinging

// newSubs makes the manager of what runs beside the registrations.
func (p *Engine) newSubs() *subs.Manager {
	return subs.New(subs.Host{
		Lines:   p.subsLines,
		Address: watchAddress,
		Route: func(to, account string) (*subs.Line, string, error) {
			ln, uri, err := p.resolveTarget(to, account)
			if ln == nil || err != nil {
				return nil, uri, err
			}
			sl := subsLine(ln)
			return &sl, uri, nil
		},
		Bus:         p.bus,
		Log:         p.o.log,
		AllowDirect: func() bool { return p.direct().On },
	})
}

func (p *Engine) subsLines() []subs.Line {
	lines := p.lines()
	out := make([]subs.Line, 0, len(lines))
	for _, l := range lines {
		out = append(out, subsLine(l))
	}
	return out
}

func subsLine(l *line) subs.Line {
	return subs.Line{
		Name: l.Cfg.Name, From: l.Target(), Voicemail: l.Cfg.Voicemail,
		MWI: !l.Cfg.NoMWI, Presence: l.Cfg.Presence,
		Registered: l.Registered(),
	}
}

// watchAddress reads a watched extension as Dial reads an address; with
// no domain, a user or number is no error, only no URI yet.
func watchAddress(addr, domain string) (uri, host string, err error) {
	uri, host, err = targetURI(addr, domain)
	if errors.Is(err, errNoDomain) {
		return "", "", nil
	}
	return uri, host, err
}

// syncEvents makes the subscriptions follow the accounts.
func (p *Engine) syncEvents() { p.subs.Sync() }

// watchExactly sets the whole watched set: State().Lamps follows. An
// entry is a user or number (at an account's domain) or a SIP URI; the
// entries that are not are left out and named in the error, the others
// are watched all the same.
func (p *Engine) watchExactly(_ context.Context, uris []string) error { return p.subs.Watch(uris) }

// SendMessage sends text to to (a user, number or SIP URI) from account
// ("" picks one like Dial); its delivery comes as MessageEvents.
func (p *Engine) SendMessage(account, to, text string) (Message, error) {
	return p.subs.Send(account, to, text)
}

// DialVoicemail calls the account's voicemail number ("" = the first
// account that has one).
func (p *Engine) DialVoicemail(ctx context.Context, account string) (string, error) {
	for _, l := range p.lines() {
		if account != "" && l.Cfg.Name != account {
			continue
		}
		if l.Cfg.Voicemail == "" {
			if account != "" {
				return "", fmt.Errorf("account %q: %w", account, ErrNoVoicemail)
			}
			continue
		}
		return p.Dial(ctx, l.Cfg.Voicemail, DialOptions{Account: l.Cfg.Name})
	}
	if account != "" {
		return "", fmt.Errorf("%w %q", ErrUnknownAccount, account)
	}
	return "", ErrNoVoicemail
}

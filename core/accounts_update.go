package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/softphone/softphone/core/config"
)

// lines is a snapshot of the configured accounts (they change with
// UpdateAccounts).
func (p *Engine) lines() []*line {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.accounts)
}

// UpdateAccounts validates accounts, saves them to the configuration file
// (atomically, keeping what the user did not touch) and applies them:
// removed or changed accounts unregister, new or changed ones register.
// Nothing is saved or changed when one account is invalid.
func (p *Engine) UpdateAccounts(ctx context.Context, accounts []config.Account) error {
	var problems []string
	for i, a := range accounts {
		others := slices.Delete(slices.Clone(accounts), i, i+1)
		msgs := config.CheckAccount(a, others)
		keys := make([]string, 0, len(msgs))
		for k := range msgs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			problems = append(problems, fmt.Sprintf("account %q: %s: %s", a.Name, k, msgs[k]))
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	p.cfgMu.Lock()
	defer p.cfgMu.Unlock()
	next := p.Config()
	prev := next.Accounts
	next.Accounts = slices.Clone(accounts)
	afterSave := p.keeper.Place(prev, next.Accounts, next.Path)
	if err := next.Save(); err != nil {
		return err
	}
	if notice := afterSave(); notice != "" {
		p.o.log.Info(notice)
		p.bus.Publish(NoticeEvent{Text: notice})
	}

	old := p.lines()
	keep := map[string]*line{}
	var stop []*line
	for _, l := range old {
		if a, ok := next.Account(l.cfg.Name); ok && sameRegistration(a, l.cfg) {
			keep[l.cfg.Name] = l.withConfig(a) // incoming_policy.go: new call settings, same registration
		} else {
			stop = append(stop, l)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for _, l := range stop {
		if err := p.stopLine(ctx, l); err != nil {
			p.o.log.Warn("unregister changed account", "account", l.cfg.Name, "error", err)
		}
	}
	var lines, start []*line
	for _, a := range next.Accounts {
		if l, ok := keep[a.Name]; ok {
			lines = append(lines, l)
			continue
		}
		if !a.Enabled {
			continue
		}
		l := &line{cfg: a}
		lines = append(lines, l)
		start = append(start, l)
	}
	p.mu.Lock()
	*p.cfg = next
	p.accounts = lines
	ua, trust := p.ua, p.trust
	p.mu.Unlock()
	p.bus.Publish(ConfigEvent{Config: next.Clone(), What: "accounts"})
	defer p.syncEvents() // blf_lifecycle.go: subscriptions follow the accounts
	if ua == nil {
		return nil // not started: Start registers them
	}
	if err := trust.Update(tlsPolicy(lines)); err != nil {
		return err
	}
	for _, l := range start {
		if err := p.prepareLine(ua, l); err != nil {
			return err
		}
		p.startLine(l)
	}
	return nil
}

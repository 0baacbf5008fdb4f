package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/softphone/softphone/core/callmedia"
	"github.com/softphone/softphone/core/config"
)

// lines are the accounts in force (they change with UpdateAccounts).
func (p *Engine) lines() []*line { return p.acct.All() }

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

	p.mu.Lock()
	*p.conf = next
	ua, trust := p.ua, p.trust
	p.mu.Unlock()
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	start := p.acct.Apply(stopCtx, next.Accounts)
	p.keyNotices(next.Accounts)
	p.bus.Publish(ConfigEvent{Config: next.Clone(), What: "accounts"})
	defer p.syncEvents() // subscriptions follow the accounts
	if ua == nil {
		return nil // not started: Start registers them
	}
	if err := trust.Update(p.acct.TLSPolicy()); err != nil {
		return err
	}
	return p.acct.Launch(p.life, ua, start)
}

// keyNotices tells the user about accounts whose media keys travel over
// unencrypted signalling.
func (p *Engine) keyNotices(accounts []config.Account) {
	for _, a := range accounts {
		if n := callmedia.KeyNotice(a); n != "" {
			p.o.log.Warn(n)
			p.bus.Publish(NoticeEvent{Text: n})
		}
	}
}

package config

import "slices"

// accountPlan says where each new account comes from.
type accountPlan struct {
	blocks             []*block // the old [[account]] blocks, in file order
	newToOld, oldToNew []int    // see matchAccounts
	next               int      // next new account to write
}

func (m *merger) planAccounts(dropped bool) *accountPlan {
	p := &accountPlan{}
	for i := range m.l.blocks {
		if b := &m.l.blocks[i]; b.name == "account" && b.array {
			p.blocks = append(p.blocks, b)
		}
	}
	switch {
	case dropped:
		p.blocks = nil // account = [...] was dropped: write all anew
	case len(p.blocks) != len(m.old.Accounts):
		p.blocks, p.next = nil, len(m.cfg.Accounts) // account = [...] kept
	}
	p.newToOld, p.oldToNew = matchAccounts(m.old.Accounts[:len(p.blocks)], m.cfg.Accounts)
	return p
}

// writeUpTo writes the new accounts up to j, at the place of the old block
// matched to j: those before j that are new or whose old block comes later
// in the file (moved) go first. Nothing is written for j < next: the old
// block was removed (j = -1) or has been written already.
func (p *accountPlan) writeUpTo(m *merger, j int) {
	for ; p.next <= j; p.next++ {
		a := accountKVs(m.cfg.Accounts[p.next])
		k := p.newToOld[p.next]
		switch {
		case k < 0:
			m.fresh("[[account]]", a)
		case sameKVs(accountKVs(m.old.Accounts[k]), a):
			m.keep(p.blocks[k])
		default:
			m.rewrite(p.blocks[k], accountKVs(m.old.Accounts[k]), a)
		}
	}
}

// matchAccounts pairs new accounts with old ones by name, then the
// remaining ones by position (a renamed account). Unpaired entries are -1.
func matchAccounts(old, cur []Account) (newToOld, oldToNew []int) {
	newToOld, oldToNew = make([]int, len(cur)), make([]int, len(old))
	for i := range newToOld {
		newToOld[i] = -1
	}
	for i := range oldToNew {
		oldToNew[i] = -1
	}
	link := func(j, k int) { newToOld[j], oldToNew[k] = k, j }
	for j, a := range cur {
		for k, o := range old {
			if oldToNew[k] < 0 && o.Name == a.Name {
				link(j, k)
				break
			}
		}
	}
	for j := range cur {
		if newToOld[j] < 0 && j < len(old) && oldToNew[j] < 0 {
			link(j, j)
		}
	}
	return newToOld, oldToNew
}

func sameAccounts(a, b []Account) bool {
	return slices.EqualFunc(a, b, func(x, y Account) bool {
		return sameKVs(accountKVs(x), accountKVs(y))
	})
}

package dialpad

import (
	"context"
	"errors"
	"strings"
	"time"

	"gioui.org/layout"
	"gioui.org/op"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
)

// As the user types, the dialpad suggests the phone's contacts and the
// numbers of its recent calls that match, looked up through the phone's
// records off the frame goroutine once the typing pauses.

// Suggestion tunables.
const (
	maxSuggestions = 5
	recentScan     = 200                    // recent calls searched for a number
	debounce       = 150 * time.Millisecond // typing pause before a lookup
	lookupTimeout  = 5 * time.Second
	maxCached      = 256 // texts kept in the cache before it is emptied
)

// errEmptySlot is shown when a held digit has no speed-dial number.
var errEmptySlot = errors.New("no number in this slot (set one from Contacts)")

// suggestion is a contact or a recent number the typed text matches.
type suggestion struct {
	Name   string // contact or caller name; "" when only the number is known
	Number string // what tapping it fills in
	Recent bool   // from the call history rather than the contacts
}

// title is what the row is called: the name, else the number.
func (s suggestion) title() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Number
}

// resetCacheLocked forgets the cached lookups; lookups under way are
// dropped when they finish.
func (p *Page) resetCacheLocked() {
	p.cache = map[string][]suggestion{}
	p.pending = map[string]bool{}
	p.gen++
}

// watchText looks the typed text up once the user pauses, off the frame
// goroutine, and picks the suggestions to show.
func (p *Page) watchText(gtx layout.Context, e *env.Env) {
	t := strings.TrimSpace(p.Number.Text())
	if t != p.typed {
		p.typed, p.typedAt = t, gtx.Now
		if t == "" {
			// A new number starts: calls made since show up next time.
			p.mu.Lock()
			p.resetCacheLocked()
			p.mu.Unlock()
		}
	}
	if t == "" {
		p.shown = nil
		return
	}
	if !p.startLookup(gtx, t) {
		return
	}
	p.mu.Lock()
	gen := p.gen
	p.mu.Unlock()
	src := core.Records(e.Phone)
	e.Run("Suggestions", func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
		defer cancel()
		res, err := lookup(ctx, src, t)
		if errors.Is(err, core.ErrNoRecords) {
			err = nil // a phone without records suggests nothing, silently
		}
		p.mu.Lock()
		defer p.mu.Unlock()
		if gen != p.gen {
			return nil
		}
		delete(p.pending, t)
		if err != nil {
			res = nil // cached empty: failing records are not asked at every frame
		}
		if len(p.cache) >= maxCached {
			p.cache = map[string][]suggestion{}
		}
		p.cache[t] = res
		return err
	})
}

// startLookup shows the cached suggestions for t, or reports whether to
// look t up now (the user paused, and no lookup of t is under way).
func (p *Page) startLookup(gtx layout.Context, t string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if res, ok := p.cache[t]; ok {
		p.shown = res
		return false
	}
	// Until the lookup answers, the last suggestions stay.
	if due := p.typedAt.Add(debounce); gtx.Now.Before(due) {
		gtx.Execute(op.InvalidateCmd{At: due})
		return false
	}
	if p.pending[t] {
		return false
	}
	p.pending[t] = true
	return true
}

// lookup finds the contacts matching text (name or number), then the
// recent numbers starting with it, at most maxSuggestions in all.
func lookup(ctx context.Context, src core.Records, text string) ([]suggestion, error) {
	cs, err := src.SearchContacts(ctx, text, maxSuggestions)
	if err != nil {
		return nil, err
	}
	out := make([]suggestion, 0, maxSuggestions)
	for _, c := range cs {
		if n := bestNumber(c, text); n != "" && len(out) < maxSuggestions {
			out = append(out, suggestion{Name: c.Name, Number: n})
		}
	}
	if len(out) == maxSuggestions {
		return out, nil
	}
	calls, err := src.Recent(ctx, recentScan)
	if err != nil {
		return out, err
	}
	for _, c := range calls {
		if len(out) == maxSuggestions {
			break
		}
		if !numberStarts(c.RemoteURI, text) || known(out, c.RemoteURI) {
			continue
		}
		s := suggestion{Number: c.RemoteURI, Recent: true}
		if n := c.Name(); n != c.RemoteURI {
			s.Name = n
		}
		out = append(out, s)
	}
	return out, nil
}

// bestNumber is the contact's number that starts with text, else its
// first one ("" if it has none).
func bestNumber(c core.Contact, text string) string {
	for _, n := range c.Numbers {
		if numberStarts(n.Value, text) {
			return n.Value
		}
	}
	if len(c.Numbers) == 0 {
		return ""
	}
	return c.Numbers[0].Value
}

// numberStarts reports whether the number or address v starts with text
// as typed, or once both are normalised ("+33 1" finds sip:+331234@host,
// "car" finds sip:carol@host).
func numberStarts(v, text string) bool {
	if strings.HasPrefix(strings.ToLower(v), strings.ToLower(text)) {
		return true
	}
	nt := core.NormalizeNumber(text)
	return nt != "" && strings.HasPrefix(core.NormalizeNumber(v), nt)
}

func known(ss []suggestion, v string) bool {
	for _, s := range ss {
		if core.SameNumber(s.Number, v) {
			return true
		}
	}
	return false
}

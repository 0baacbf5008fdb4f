package contacts

import (
	"context"
	"slices"
	"strings"
	"time"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// blfRecheck is how often the BLF contacts and the speed-dial keys are
// read again while the window runs: another process (softphone contacts
// import, softphone contacts speed-dial) may change them.
const blfRecheck = time.Minute

// blfWatch is what the phone was last asked to watch; under Page.mu.
type blfWatch struct {
	dirty   bool      // the contacts or the keys changed: read them again
	reading bool      // a read is under way
	checked time.Time // last read started
	sent    []string  // last set given to Watch, sorted
}

// WatchAddress is the address to watch for contact c's busy lamp: its
// first SIP address, else its first number (an extension), "" if it has
// none.
func WatchAddress(c store.Contact) string {
	for _, n := range c.Numbers {
		v := strings.TrimSpace(n.Value)
		if strings.HasPrefix(strings.ToLower(v), "sip:") || strings.HasPrefix(strings.ToLower(v), "sips:") || strings.Contains(v, "@") {
			return v
		}
	}
	for _, n := range c.Numbers {
		if v := strings.TrimSpace(n.Value); v != "" {
			return v
		}
	}
	return ""
}

// SlotAddress is the address a speed-dial key watches: the number it
// dials, as the dial path gives it to the phone (which puts a bare number
// or user at an account's domain for a watch as for a call), "" for an
// empty key.
func SlotAddress(d store.SpeedDial) string {
	return strings.TrimSpace(d.Number)
}

// WatchSet is the whole set the phone watches, sorted and deduplicated:
// the addresses of the contacts marked BLF and of every speed-dial key.
// Phone.Watch replaces its set, so this is the one place it is made.
func WatchSet(cs []store.Contact, keys []store.SpeedDial) []string {
	var set []string
	for _, c := range cs {
		if a := WatchAddress(c); c.BLF && a != "" {
			set = append(set, a)
		}
	}
	for _, d := range keys {
		if a := SlotAddress(d); a != "" {
			set = append(set, a)
		}
	}
	slices.Sort(set)
	return slices.Compact(set)
}

// SyncWatch keeps the phone watching the contacts marked BLF and the
// speed-dial keys: at start, after a change made here, and every
// blfRecheck. The window calls it every frame, whichever screen shows; it
// reads off the frame goroutine and calls Watch only when the set changed.
func (p *Page) SyncWatch(e *env.Env) {
	src := p.data.Source()
	if src == nil {
		return
	}
	now := e.Model.Now
	p.mu.Lock()
	w := &p.blf
	due := w.dirty || w.checked.IsZero() || now.Sub(w.checked) >= blfRecheck
	if !due || w.reading {
		p.mu.Unlock()
		return
	}
	w.dirty, w.reading, w.checked = false, true, now
	p.mu.Unlock()
	e.Run("Watch contacts and speed dial", func() error {
		defer func() {
			p.mu.Lock()
			p.blf.reading = false
			p.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		cs, err := src.Contacts(ctx, store.ContactQuery{})
		if err != nil {
			return err
		}
		keys, err := src.SpeedDials(ctx)
		if err != nil {
			return err
		}
		set := WatchSet(cs, keys)
		p.mu.Lock()
		same := slices.Equal(set, p.blf.sent)
		// Remember the set even if Watch fails: the same set would fail
		// again, and the error is shown once rather than every minute.
		p.blf.sent = set
		p.mu.Unlock()
		if same {
			return nil
		}
		return e.Phone.Watch(context.Background(), set)
	})
}

// watchChanged asks SyncWatch to read the BLF contacts and the keys again.
func (p *Page) watchChanged() {
	p.mu.Lock()
	p.blf.dirty = true
	p.mu.Unlock()
}

// lamp is the BLF state of contact c, or "" if c is not watched.
func lamp(watched map[string]core.BLFState, c store.Contact) core.BLFState {
	if !c.BLF {
		return ""
	}
	return widgets.BLFOf(watched, WatchAddress(c))
}

// slotLamp is the BLF state of speed-dial key d, or "" if it is empty.
func slotLamp(watched map[string]core.BLFState, d store.SpeedDial) core.BLFState {
	a := SlotAddress(d)
	if a == "" {
		return ""
	}
	return widgets.BLFOf(watched, a)
}

// pickup answers the call ringing at c's extension.
func (p *Page) pickup(gtx layout.Context, e *env.Env, clk *widget.Clickable, c store.Contact) {
	pickupAt(gtx, e, clk, c.Name, WatchAddress(c))
}

// pickupAt answers the call ringing at the watched address addr when clk
// was clicked; name says whose it is in an error.
func pickupAt(gtx layout.Context, e *env.Env, clk *widget.Clickable, name, addr string) {
	if !clk.Clicked(gtx) {
		return
	}
	key := watchedKey(e.Phone.Watched(), addr)
	e.Run("Pick up "+name, func() error {
		_, err := e.Phone.Pickup(context.Background(), key)
		return err
	})
}

// watchedKey is the key of watched that addr's lamp comes from (the
// phone may have written it out in full), else addr.
func watchedKey(watched map[string]core.BLFState, addr string) string {
	if _, ok := watched[addr]; ok {
		return addr
	}
	for k := range watched {
		if widgets.BLFOf(map[string]core.BLFState{k: core.BLFIdle}, addr) == core.BLFIdle {
			return k
		}
	}
	return addr
}

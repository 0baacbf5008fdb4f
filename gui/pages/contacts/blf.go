package contacts

import (
	"context"
	"strings"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// The phone watches the contacts marked BLF and the speed-dial keys; the
// page only finds each one's lamp in the phone's state, under the address
// the phone watches it at.

// slotAddress is the address the phone watches for a speed-dial key: the
// number it dials, "" for an empty key.
func slotAddress(d core.SpeedDial) string {
	return strings.TrimSpace(d.Number)
}

// lamp is the BLF state of contact c, or "" if c is not watched.
func lamp(lamps map[string]core.BLFState, c core.Contact) core.BLFState {
	if !c.BLF {
		return ""
	}
	return widgets.BLFOf(lamps, core.WatchAddress(c))
}

// slotLamp is the BLF state of speed-dial key d, or "" if it is empty.
func slotLamp(lamps map[string]core.BLFState, d core.SpeedDial) core.BLFState {
	a := slotAddress(d)
	if a == "" {
		return ""
	}
	return widgets.BLFOf(lamps, a)
}

// pickup answers the call ringing at c's extension.
func (p *Page) pickup(gtx layout.Context, e *env.Env, clk *widget.Clickable, c core.Contact) {
	pickupAt(gtx, e, clk, c.Name, core.WatchAddress(c))
}

// pickupAt answers the call ringing at the watched address addr when clk
// was clicked; name says whose it is in an error.
func pickupAt(gtx layout.Context, e *env.Env, clk *widget.Clickable, name, addr string) {
	if !clk.Clicked(gtx) {
		return
	}
	key := lampKey(e.Model.Lamps, addr)
	e.Run("Pick up "+name, func(ctx context.Context) error {
		_, err := e.Phone.Pickup(ctx, key)
		return err
	})
}

// lampKey is the key of lamps that addr's lamp comes from (the phone may
// have written it out in full), else addr.
func lampKey(lamps map[string]core.BLFState, addr string) string {
	if _, ok := lamps[addr]; ok {
		return addr
	}
	for k := range lamps {
		if widgets.BLFOf(map[string]core.BLFState{k: core.BLFIdle}, addr) == core.BLFIdle {
			return k
		}
	}
	return addr
}

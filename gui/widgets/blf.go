package widgets

import (
	"image/color"
	"strings"
	"time"

	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/theme"
)

// The busy lamp field (BLF) of a watched extension, shared by the
// contacts and the dialpad's speed-dial keys.

// blinkPeriod is one on+off cycle of a ringing lamp.
const blinkPeriod = time.Second

// BLFOf is the state of the extension at addr in lamps (the
// State's Lamps): the entry with that exact key, else one for
// the same number or address ("100" and "sip:100@pbx" match; a user
// written without a host matches that user at any host), else unknown.
func BLFOf(lamps map[string]core.BLFState, addr string) core.BLFState {
	if addr == "" {
		return core.BLFUnknown
	}
	if s, ok := lamps[addr]; ok {
		return s
	}
	for k, s := range lamps {
		if core.SameNumber(k, addr) {
			return s
		}
	}
	if n := core.NormalizeNumber(addr); n != "" {
		for k, s := range lamps {
			noHost := !strings.Contains(k, "@") || !strings.Contains(addr, "@")
			if noHost && core.NormalizeNumber(k) == n {
				return s
			}
		}
	}
	return core.BLFUnknown
}

// BLFLabel names a state for people (and screen readers).
func BLFLabel(s core.BLFState) string {
	switch s {
	case core.BLFIdle:
		return "Available"
	case core.BLFRinging:
		return "Ringing"
	case core.BLFBusy:
		return "Busy"
	}
	return "Unknown"
}

// BLFColor is a state's lamp colour: idle green, ringing amber, busy red,
// unknown grey.
func BLFColor(th *theme.Theme, s core.BLFState) color.NRGBA {
	switch s {
	case core.BLFIdle:
		return th.Accept
	case core.BLFRinging:
		return th.Warning
	case core.BLFBusy:
		return th.Danger
	}
	return th.Muted
}

// BLFDot draws the lamp of state s, size wide; a ringing lamp blinks
// (it asks for the frame that next changes it).
func BLFDot(gtx layout.Context, th *theme.Theme, s core.BLFState, size unit.Dp) layout.Dimensions {
	c := BLFColor(th, s)
	if s == core.BLFRinging {
		phase := gtx.Now.UnixNano() % int64(blinkPeriod)
		half := int64(blinkPeriod / 2)
		if phase >= half {
			c = MulAlpha(c, 0x50)
		}
		next := half - phase%half
		gtx.Execute(op.InvalidateCmd{At: gtx.Now.Add(time.Duration(next))})
	}
	return Dot(gtx, c, size)
}

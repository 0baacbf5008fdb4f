// Package incall is a screen of the window (being written).
package incall

import (
	"gioui.org/layout"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/env"
)

// Page is the screen's state between frames.
type Page struct {
	// Hidden lets the user leave the in-call screen (to add a call).
	Hidden bool
}

// New makes the page.
func New() *Page { return &Page{} }

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	return material.H6(e.Theme.Theme, "incall").Layout(gtx)
}

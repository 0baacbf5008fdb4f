// Package history is a screen of the window (being written).
package history

import (
	"gioui.org/layout"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/env"
)

// Page is the screen's state between frames.
type Page struct{}

// New makes the page.
func New() *Page { return &Page{} }

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	return material.H6(e.Theme.Theme, "history").Layout(gtx)
}

package settings

import (
	"image"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

var testNow = time.Date(2025, time.March, 14, 15, 9, 26, 0, time.Local)

// harness drives one page through frames with a router and no window.
type harness struct {
	*guitest.Harness
	page *Page
}

// makeHarness makes a page in a window tall enough that nothing scrolls,
// and lays out no frame yet.
func makeHarness(t *testing.T, p *guitest.Phone) *harness {
	h := &harness{page: New()}
	h.Harness = guitest.NewPage(t, p, theme.New(false, guitest.Shaper), image.Pt(800, 3400), testNow,
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	return h
}

// newHarness is makeHarness after two frames.
func newHarness(t *testing.T, p *guitest.Phone) *harness {
	h := makeHarness(t, p)
	h.Frame()
	h.Frame()
	return h
}

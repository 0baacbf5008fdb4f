package guitest

import (
	"flag"
	"image"
	"os"
	"path/filepath"
	"testing"
)

var shots = flag.String("shots", "", "write screenshots (PNG) into this directory")

// Shot is one screenshot of a page for Shots to take.
type Shot struct {
	Path    string      // of the PNG
	State   string      // of the page
	Size    image.Point // of the window, in dp
	Scale   float32     // px per dp and per sp
	Dark    bool        // theme
	Windows Windows     // to draw into
}

// Shots takes the screenshots of a page in each state at each size (a
// phone, a tablet, a desktop beside the navigation rail) in both themes,
// each in a subtest named page-state-size-theme. With -shots DIR the PNGs
// are kept there.
func Shots(t *testing.T, page string, states []string, shoot func(t *testing.T, s Shot)) {
	dir := *shots
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	windows := Windows{}
	t.Cleanup(windows.Release)
	sizes := []struct {
		name  string
		size  image.Point
		scale float32
	}{
		{"phone", image.Pt(360, 740), 2},
		{"tablet", image.Pt(800, 1280), 1},
		{"desktop", image.Pt(884, 700), 1}, // 1024 minus the navigation rail
	}
	for _, sz := range sizes {
		for _, st := range states {
			for _, dark := range []bool{false, true} {
				name := page + "-" + st + "-" + sz.name + "-" + map[bool]string{false: "light", true: "dark"}[dark]
				t.Run(name, func(t *testing.T) {
					shoot(t, Shot{Path: filepath.Join(dir, name+".png"), State: st, Size: sz.size, Scale: sz.scale, Dark: dark, Windows: windows})
				})
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}

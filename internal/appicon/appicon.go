// Package appicon draws the application icon (assets/icons/softphone.svg)
// at any size, for the places that need pixels rather than SVG: the
// Windows program's icon resource and the notification area. It reads the
// small subset of SVG the icon uses: rounded rectangles and filled paths
// of straight lines and cubic curves.
package appicon

import (
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"strconv"

	"golang.org/x/image/vector"

	"github.com/softphone/softphone/assets"
)

// Icon is the parsed drawing, in its own view-box units.
type Icon struct {
	size   float32 // view-box width and height (square)
	shapes []shape
}

type shape struct {
	fill color.NRGBA
	path []op
}

// op is one path command in absolute coordinates: 'M', 'L', 'C' or 'Z'.
type op struct {
	cmd rune
	pts []float32
}

// Load parses the application icon.
func Load() (*Icon, error) {
	b, err := fs.ReadFile(assets.Icons, "icons/softphone.svg")
	if err != nil {
		return nil, fmt.Errorf("appicon: %w", err)
	}
	return Parse(b)
}

type svgDoc struct {
	ViewBox string `xml:"viewBox,attr"`
	Rects   []struct {
		W    string `xml:"width,attr"`
		H    string `xml:"height,attr"`
		RX   string `xml:"rx,attr"`
		Fill string `xml:"fill,attr"`
	} `xml:"rect"`
	Paths []struct {
		D    string `xml:"d,attr"`
		Fill string `xml:"fill,attr"`
	} `xml:"path"`
}

// Parse reads an SVG of rectangles (drawn first) and paths.
func Parse(svg []byte) (*Icon, error) {
	var doc svgDoc
	if err := xml.Unmarshal(svg, &doc); err != nil {
		return nil, fmt.Errorf("appicon: %w", err)
	}
	var x, y, w, h float32
	if _, err := fmt.Sscan(doc.ViewBox, &x, &y, &w, &h); err != nil || w <= 0 || w != h {
		return nil, fmt.Errorf("appicon: view box %q: want a square", doc.ViewBox)
	}
	ic := &Icon{size: w}
	for _, r := range doc.Rects {
		fill, err := parseColor(r.Fill)
		if err != nil {
			return nil, err
		}
		rw, e1 := strconv.ParseFloat(r.W, 32)
		rh, e2 := strconv.ParseFloat(r.H, 32)
		rx := 0.0
		var e3 error
		if r.RX != "" {
			rx, e3 = strconv.ParseFloat(r.RX, 32)
		}
		if e1 != nil || e2 != nil || e3 != nil {
			return nil, fmt.Errorf("appicon: rect %q×%q rx %q", r.W, r.H, r.RX)
		}
		ic.shapes = append(ic.shapes, shape{fill: fill, path: roundRect(float32(rw), float32(rh), float32(rx))})
	}
	for _, p := range doc.Paths {
		fill, err := parseColor(p.Fill)
		if err != nil {
			return nil, err
		}
		ops, err := parsePath(p.D)
		if err != nil {
			return nil, err
		}
		ic.shapes = append(ic.shapes, shape{fill: fill, path: ops})
	}
	return ic, nil
}

// Draw renders the icon at size×size pixels.
func (ic *Icon) Draw(size int) *image.NRGBA {
	dst := image.NewNRGBA(image.Rect(0, 0, size, size))
	k := float32(size) / ic.size
	for _, s := range ic.shapes {
		r := vector.NewRasterizer(size, size)
		for _, o := range s.path {
			p := o.pts
			switch o.cmd {
			case 'M':
				r.MoveTo(p[0]*k, p[1]*k)
			case 'L':
				r.LineTo(p[0]*k, p[1]*k)
			case 'C':
				r.CubeTo(p[0]*k, p[1]*k, p[2]*k, p[3]*k, p[4]*k, p[5]*k)
			case 'Z':
				r.ClosePath()
			}
		}
		r.Draw(dst, dst.Bounds(), image.NewUniform(s.fill), image.Point{})
	}
	return dst
}

// roundRect is a w×h rectangle at the origin with corners of radius rx,
// each corner a cubic Bézier (the usual 0.5523 circle approximation).
func roundRect(w, h, rx float32) []op {
	rx = min(rx, w/2, h/2)
	c := rx * (1 - 0.5523)
	return []op{
		{'M', []float32{rx, 0}}, {'L', []float32{w - rx, 0}},
		{'C', []float32{w - c, 0, w, c, w, rx}}, {'L', []float32{w, h - rx}},
		{'C', []float32{w, h - c, w - c, h, w - rx, h}}, {'L', []float32{rx, h}},
		{'C', []float32{c, h, 0, h - c, 0, h - rx}}, {'L', []float32{0, rx}},
		{'C', []float32{0, c, c, 0, rx, 0}}, {'Z', nil},
	}
}

func parseColor(s string) (color.NRGBA, error) {
	switch s {
	case "#fff", "white":
		return color.NRGBA{0xff, 0xff, 0xff, 0xff}, nil
	case "#000", "black":
		return color.NRGBA{0, 0, 0, 0xff}, nil
	}
	var c color.NRGBA
	if len(s) == 7 && s[0] == '#' {
		if v, err := strconv.ParseUint(s[1:], 16, 32); err == nil {
			return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}, nil
		}
	}
	return c, fmt.Errorf("appicon: colour %q", s)
}

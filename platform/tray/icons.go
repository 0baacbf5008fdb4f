package tray

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"math"
)

// iconSize is the icons' side in pixels: hosts scale it to their panel.
const iconSize = 32

// iconColours are the discs behind the handset, one per Icon.
var iconColours = [...]color.NRGBA{
	IconOffline:    {0x75, 0x75, 0x75, 0xff},
	IconRegistered: {0x2e, 0x7d, 0x32, 0xff},
	IconRinging:    {0xe6, 0x51, 0x00, 0xff},
}

// drawIcon draws a handset on a disc of the icon's colour, 4×4
// supersampled: small enough to draw at start, no asset to keep in sync.
func drawIcon(k Icon) *image.NRGBA {
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, iconSize, iconSize))
	bg := iconColours[k]
	c := float64(iconSize) / 2
	for y := range iconSize {
		for x := range iconSize {
			var disc, white int
			for sy := range ss {
				for sx := range ss {
					px := float64(x) + (float64(sx)+0.5)/ss
					py := float64(y) + (float64(sy)+0.5)/ss
					if math.Hypot(px-c, py-c) > c-0.5 {
						continue
					}
					disc++
					if inHandset(px, py) || (k == IconRinging && inWaves(px, py)) {
						white++
					}
				}
			}
			if disc == 0 {
				continue
			}
			// Blend white over the disc colour by coverage.
			f := float64(white) / float64(disc)
			mix := func(a uint8) uint8 { return uint8(float64(a)*(1-f) + 255*f + 0.5) }
			img.SetNRGBA(x, y, color.NRGBA{mix(bg.R), mix(bg.G), mix(bg.B), uint8(255 * disc / (ss * ss))})
		}
	}
	return img
}

// inHandset is a handset: an ear and a mouth piece joined by a bar.
func inHandset(x, y float64) bool {
	ax, ay, bx, by := 10.5, 21.5, 21.5, 10.5
	return segDist(x, y, ax, ay, bx, by) < 2.2 || math.Hypot(x-ax, y-ay) < 4.2 || math.Hypot(x-bx, y-by) < 4.2
}

// inWaves are two arcs beside the handset: the ringing one.
func inWaves(x, y float64) bool {
	d := math.Hypot(x-10, y-10)
	if x < 10 || y > 10 {
		return false
	}
	return math.Abs(d-9) < 1 || math.Abs(d-13) < 1
}

// segDist is the distance from (x, y) to the segment a-b.
func segDist(x, y, ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(x-(ax+t*dx), y-(ay+t*dy))
}

// iconPNG is the icon as a PNG (the StatusNotifierItem's pixmap).
func iconPNG(k Icon) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, drawIcon(k)); err != nil {
		panic(err) // encoding an in-memory image to a buffer cannot fail
	}
	return b.Bytes()
}

// iconICO is the icon as a Windows .ico: one 32-bit BMP image with its
// AND mask (every Windows loads that form; PNG-in-ICO is Vista and up).
func iconICO(k Icon) []byte {
	img := drawIcon(k)
	const n = iconSize
	maskRow := (n/8 + 3) &^ 3
	size := 40 + n*n*4 + maskRow*n
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	w([3]uint16{0, 1, 1})                          // ICONDIR: reserved, type icon, one image
	w([4]uint8{n, n, 0, 0})                        // width, height, colours, reserved
	w([2]uint16{1, 32})                            // planes, bits per pixel
	w([2]uint32{uint32(size), 6 + 16})             // bytes, offset
	w([3]uint32{40, n, 2 * n})                     // BITMAPINFOHEADER: size, width, height (XOR + AND)
	w([2]uint16{1, 32})                            // planes, bits per pixel
	w([6]uint32{0, uint32(n * n * 4), 0, 0, 0, 0}) // no compression, image bytes, resolution, palette
	for y := n - 1; y >= 0; y-- {                  // bottom-up BGRA
		for x := range n {
			c := img.NRGBAAt(x, y)
			b.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	b.Write(make([]byte, maskRow*n)) // the alpha channel decides; the mask shows all
	return b.Bytes()
}

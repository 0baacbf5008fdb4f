package video

import (
	"context"
	"fmt"
	"image"
	"time"
)

// TestPattern is a synthetic source: moving colour bars and a moving
// square, with a stamp at the top that a receiver can read back from the
// decoded picture (ReadStamp): the frame's number and its capture time.
// Tests and machines without a camera use it; it paces itself at FPS.
type TestPattern struct {
	img   *image.YCbCr
	fps   int
	start time.Time
	n     uint32
	now   func() time.Time
}

// Stamp is what the test pattern writes into each frame.
type Stamp struct {
	Frame    uint32 // 0, 1, 2...
	UnixMsLo uint32 // capture time, Unix milliseconds modulo 2^32
}

// Age is how long ago, at now, a frame with this stamp was captured.
func (s Stamp) Age(now time.Time) time.Duration {
	return time.Duration(uint32(now.UnixMilli())-s.UnixMsLo) * time.Millisecond
}

const (
	stampBits = 32
	stampRows = 3 // frame, time, and a check word
	stampLo   = 16
	stampHi   = 235
	stampMix  = 0xA5A5A5A5
)

// NewTestPattern makes a test source of c's size and rate (default
// 640×480 at 30 frames per second); now is the clock (nil: time.Now).
func NewTestPattern(c Constraints, now func() time.Time) (*TestPattern, error) {
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = 640, 480
	}
	if c.FPS <= 0 {
		c.FPS = 30
	}
	if c.Width < 64 || c.Height < 48 || c.Width%2 != 0 || c.Height%2 != 0 || c.Width > 4096 || c.Height > 4096 {
		return nil, fmt.Errorf("video: test pattern size %dx%d: need even sizes from 64x48 to 4096x4096", c.Width, c.Height)
	}
	if now == nil {
		now = time.Now
	}
	return &TestPattern{
		img: image.NewYCbCr(image.Rect(0, 0, c.Width, c.Height), image.YCbCrSubsampleRatio420),
		fps: c.FPS, now: now,
	}, nil
}

// Read waits for the next frame's time and draws it.
func (p *TestPattern) Read(ctx context.Context) (Frame, error) {
	if p.start.IsZero() {
		p.start = p.now()
	}
	due := p.start.Add(time.Duration(p.n) * time.Second / time.Duration(p.fps))
	if d := due.Sub(p.now()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return Frame{}, ctx.Err()
		case <-t.C:
		}
	} else if err := ctx.Err(); err != nil {
		return Frame{}, err
	}
	at := p.now()
	p.Draw(p.n, at)
	p.n++
	return Frame{Image: p.img, At: at}, nil
}

// Close does nothing: the pattern holds no device.
func (p *TestPattern) Close() error { return nil }

// Draw paints frame n, captured at at, into the pattern's picture.
func (p *TestPattern) Draw(n uint32, at time.Time) {
	img := p.img
	w, h := img.Rect.Dx(), img.Rect.Dy()
	shift := int(n) * 4
	// Every row of the bars is the same: draw one, copy it down.
	row := img.Y[:w]
	for x := range row {
		row[x] = byte(((x+shift)/(w/8+1))*28 + 20)
	}
	for y := 1; y < h; y++ {
		copy(img.Y[y*img.YStride:y*img.YStride+w], row)
	}
	cw, ch := w/2, h/2
	cb, cr := img.Cb[:cw], img.Cr[:cw]
	for x := 0; x < cw; x++ {
		bar := (x*2 + shift) / (w/8 + 1)
		cb[x] = byte(64 + bar*20)
		cr[x] = byte(192 - bar*16)
	}
	for y := 1; y < ch; y++ {
		copy(img.Cb[y*img.CStride:y*img.CStride+cw], cb)
		copy(img.Cr[y*img.CStride:y*img.CStride+cw], cr)
	}
	// A white square that moves across the lower half.
	sq := h / 6
	sx := (int(n) * 6) % max(w-sq, 1)
	sy := h/2 + (int(n)*3)%max(h/2-sq, 1)
	for y := sy; y < sy+sq && y < h; y++ {
		for x := sx; x < sx+sq && x < w; x++ {
			img.Y[y*img.YStride+x] = stampHi
		}
	}
	ms := uint32(at.UnixMilli())
	words := [stampRows]uint32{n, ms, n ^ ms ^ stampMix}
	for r, word := range words {
		for b := 0; b < stampBits; b++ {
			v := byte(stampLo)
			if word&(1<<(stampBits-1-b)) != 0 {
				v = stampHi
			}
			x0, y0, x1, y1 := stampCell(w, h, r, b)
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					img.Y[y*img.YStride+x] = v
				}
			}
			for y := y0 / 2; y < y1/2; y++ {
				for x := x0 / 2; x < x1/2; x++ {
					img.Cb[y*img.CStride+x], img.Cr[y*img.CStride+x] = 128, 128
				}
			}
		}
	}
}

// stampCell is the rectangle of bit b of stamp row r in a w×h picture:
// 32 cells across, each row 1/16 of the height.
func stampCell(w, h, r, b int) (x0, y0, x1, y1 int) {
	cw, ch := w/stampBits, h/16
	return b * cw, r * ch, (b + 1) * cw, (r + 1) * ch
}

// ReadStamp reads the test pattern's stamp back from a (decoded) picture
// of any size the pattern was scaled to; ok is false when the picture does
// not carry a readable stamp.
func ReadStamp(img *image.YCbCr) (Stamp, bool) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < stampBits*2 || h < 32 {
		return Stamp{}, false
	}
	var words [stampRows]uint32
	for r := range words {
		for b := 0; b < stampBits; b++ {
			x0, y0, x1, y1 := stampCell(w, h, r, b)
			// The middle half of the cell: codecs blur the edges.
			sum, cnt := 0, 0
			for y := y0 + (y1-y0)/4; y < y1-(y1-y0)/4; y++ {
				for x := x0 + (x1-x0)/4; x < x1-(x1-x0)/4; x++ {
					sum += int(img.Y[img.YOffset(img.Rect.Min.X+x, img.Rect.Min.Y+y)])
					cnt++
				}
			}
			if cnt > 0 && sum/cnt > (stampLo+stampHi)/2 {
				words[r] |= 1 << (stampBits - 1 - b)
			}
		}
	}
	if words[0]^words[1]^stampMix != words[2] {
		return Stamp{}, false
	}
	return Stamp{Frame: words[0], UnixMsLo: words[1]}, true
}

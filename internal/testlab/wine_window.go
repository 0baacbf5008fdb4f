package testlab

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os/exec"
	"strings"
	"time"
)

// XWindow is a top-level window on an X display (Xvfb): a Windows
// program's under Wine, or any other. Tests drive it with xdotool and
// take pictures of it with ImageMagick's import.
type XWindow struct {
	ID  string   // X window id, as xdotool prints it
	env []string // DISPLAY and the rest of the tools' environment
}

// FindXWindow waits (bounded by ctx) for a visible window named name on
// the display of env, and gives it the keyboard: there is no window
// manager under Xvfb to do it.
func FindXWindow(ctx context.Context, env []string, name string) (*XWindow, error) {
	w := &XWindow{env: env}
	for {
		// --sync would wait past ctx: poll instead.
		out, err := w.tool(ctx, "xdotool", "search", "--onlyvisible", "--name", "^"+name+"$")
		if ids := strings.Fields(out); err == nil && len(ids) > 0 {
			w.ID = ids[0]
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no window %q: %w", name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if _, err := w.Xdotool(ctx, "windowfocus", "--sync", w.ID); err != nil {
		return nil, err
	}
	return w, nil
}

// Xdotool runs xdotool with args (the window is not added: name it with
// w.ID where a command needs it) and returns its output.
func (w *XWindow) Xdotool(ctx context.Context, args ...string) (string, error) {
	return w.tool(ctx, "xdotool", args...)
}

// Grab is a picture of the window now.
func (w *XWindow) Grab(ctx context.Context) (*image.RGBA, error) {
	out, err := w.tool(ctx, "import", "-window", w.ID, "png:-")
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(strings.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("import -window %s: %w", w.ID, err)
	}
	rgba := image.NewRGBA(image.Rectangle{Max: img.Bounds().Size()})
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	return rgba, nil
}

func (w *XWindow) tool(ctx context.Context, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = w.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// CompareImages counts the pixels of got that differ from want by more
// than tol in a channel, and draws them in red over a faded got (to look
// at when a comparison fails). It returns -1 when the sizes differ.
func CompareImages(want, got image.Image, tol int) (int, *image.RGBA) {
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Size() != wb.Size() {
		return -1, nil
	}
	diff := image.NewRGBA(image.Rectangle{Max: gb.Size()})
	n := 0
	for y := 0; y < gb.Dy(); y++ {
		for x := 0; x < gb.Dx(); x++ {
			// Premultiplied, as drawn: a faint translucent pixel
			// differs by what it adds to the picture.
			g := color.RGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y)).(color.RGBA)
			w := color.RGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.RGBA)
			if absDiff(g.R, w.R) > tol || absDiff(g.G, w.G) > tol || absDiff(g.B, w.B) > tol || absDiff(g.A, w.A) > tol {
				n++
				diff.SetRGBA(x, y, color.RGBA{R: 0xFF, A: 0xFF})
				continue
			}
			l := uint8((int(g.R) + int(g.G) + int(g.B)) / 3 / 4)
			diff.SetRGBA(x, y, color.RGBA{R: 0xC0 + l, G: 0xC0 + l, B: 0xC0 + l, A: 0xFF})
		}
	}
	return n, diff
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

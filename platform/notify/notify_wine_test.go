//go:build linux && !android

package notify

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestBalloonUnderWine runs the Windows notifier under Wine on an X
// display and looks at the screen: while the notification is up, a new
// window shows a light balloon with text in it; after Close it is gone.
func TestBalloonUnderWine(t *testing.T) {
	testlab.Require(t, "xwininfo", "x11-utils")
	testlab.Require(t, "import", "imagemagick")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	w := testlab.StartWine(t, repo)
	display := testlab.StartXvfb(t, 200)
	exe := testlab.BuildWindowsTests(t, repo, ".")
	before := topWindows(t, display)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := w.Command(ctx, []string{"DISPLAY=" + display, driverEnv + "=1"}, exe,
		"-test.run", "^TestBalloon$", "-test.v")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	var log bytes.Buffer
	go func() {
		defer close(lines)
		s := bufio.NewScanner(pr)
		for s.Scan() {
			lines <- s.Text()
		}
	}()
	waitLine := func(want string) {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("the Windows side ended before %q:\n%s", want, log.String())
				}
				log.WriteString(l + "\n")
				if l == want {
					return
				}
			case <-ctx.Done():
				t.Fatalf("no %q from the Windows side:\n%s", want, log.String())
			}
		}
	}
	waitLine("shown")

	// The balloon: a new viewable window with a light face and dark text.
	var balloon string
	var face, ink float64
	for deadline := time.Now().Add(10 * time.Second); balloon == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for id, geo := range topWindows(t, display) {
			// Not the tray's own strip (named, 20 pixels high): the
			// balloon is an unnamed pop-up with room for two lines.
			if _, old := before[id]; old || geo.X < 40 || geo.Y < 40 || !viewable(t, display, id) {
				continue
			}
			face, ink = shades(t, display, id)
			if face > 0.5 && ink > 0.005 {
				balloon = id
			}
		}
	}
	if balloon == "" {
		shot := filepath.Join(t.TempDir(), "screen.png")
		_ = exec.Command("import", "-display", display, "-window", "root", shot).Run()
		t.Fatalf("no balloon on the screen (last light %.2f, dark %.3f); screen in %s", face, ink, shot)
	}
	t.Logf("balloon %s: %.0f %% light, %.1f %% dark", balloon, 100*face, 100*ink)

	fmt.Fprintln(stdin, "close")
	waitLine("closed")
	gone := false
	for deadline := time.Now().Add(5 * time.Second); !gone && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		gone = !viewable(t, display, balloon)
	}
	if !gone {
		t.Fatal("the balloon is still on the screen after Close")
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the Windows side: %v\n%s", err, log.String())
	}
}

var childLine = regexp.MustCompile(`^\s+(0x[0-9a-f]+) \(has no name\).*\s(\d+)x(\d+)\+-?\d+\+-?\d+\s`)

// topWindows lists the root window's unnamed children with their sizes.
func topWindows(t *testing.T, display string) map[string]image.Point {
	t.Helper()
	out, err := exec.Command("xwininfo", "-display", display, "-root", "-children").Output()
	if err != nil {
		t.Fatalf("xwininfo: %v", err)
	}
	wins := map[string]image.Point{}
	for _, l := range strings.Split(string(out), "\n") {
		if m := childLine.FindStringSubmatch(l); m != nil {
			var p image.Point
			fmt.Sscan(m[2], &p.X)
			fmt.Sscan(m[3], &p.Y)
			wins[m[1]] = p
		}
	}
	return wins
}

func viewable(t *testing.T, display, id string) bool {
	out, err := exec.Command("xwininfo", "-display", display, "-id", id).Output()
	return err == nil && strings.Contains(string(out), "Map State: IsViewable")
}

// shades is the share of a window's pixels that are near white and near
// black.
func shades(t *testing.T, display, id string) (light, dark float64) {
	out, err := exec.Command("import", "-display", display, "-window", id, "png:-").Output()
	if err != nil {
		return 0, 0
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		return 0, 0
	}
	b := img.Bounds()
	var l, d int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			lum := (299*r + 587*g + 114*bl) / 1000 >> 8
			switch {
			case lum > 220:
				l++
			case lum < 80:
				d++
			}
		}
	}
	n := float64(b.Dx() * b.Dy())
	return float64(l) / n, float64(d) / n
}

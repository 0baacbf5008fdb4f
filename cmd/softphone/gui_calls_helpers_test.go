//go:build !nogui

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// callsWindow is the window with its --json events kept: a call test
// waits for events of two calls in whatever order they come, so an event
// read while waiting for another stays available (window.waitEvent drops
// it).
type callsWindow struct {
	*window
	seen  []map[string]any
	taken map[int]bool
}

// callsLab skips a window call test where it cannot run, or starts its
// display and Kamailio (the test's baresips register there).
func callsLab(t *testing.T, why string) ([]string, *testlab.Kamailio) {
	t.Helper()
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	_, xenv := windowDisplay(t, why)
	return xenv, testlab.StartKamailio(t, testlab.KamailioOptions{})
}

// openCallsWindow runs the window as alice at k (extra goes in the
// config before the account: [audio] settings), waits for the
// registration and the window, and returns it with its config file.
func openCallsWindow(t *testing.T, xenv []string, k *testlab.Kamailio, extra string) (*callsWindow, string) {
	t.Helper()
	cfg := consoleConfig(t, k, extra)
	w := &callsWindow{window: startWindow(t, xenv, "--config", cfg, "--data", t.TempDir(), "--json"), taken: map[int]bool{}}
	w.wait("registration of alice", 20*time.Second, func(e map[string]any) bool {
		return e["event"] == "registration" && e["account"] == "alice" && e["state"] == "registered"
	})
	w.find()
	return w, cfg
}

// wait returns the oldest event that match accepts and no wait returned
// before, reading more as needed. On failure it names the call events seen
// and keeps a picture of the window.
func (w *callsWindow) wait(what string, d time.Duration, match func(map[string]any) bool) map[string]any {
	w.t.Helper()
	for i, e := range w.seen {
		if !w.taken[i] && match(e) {
			w.taken[i] = true
			return e
		}
	}
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-w.events:
			if !ok {
				w.t.Fatalf("the program's output ended before %s (exit: %v)\nstderr:\n%s", what, waitExit(w.exited), w.stderr.String())
			}
			w.seen = append(w.seen, e)
			if match(e) {
				w.taken[len(w.seen)-1] = true
				return e
			}
		case <-deadline:
			if w.id != "" {
				w.screenshot("failed-" + strings.ReplaceAll(w.t.Name(), "/", "-") + ".png")
			}
			w.t.Fatalf("%s: not within %v; call events:\n%s", what, d, w.callEvents())
		}
	}
}

func (w *callsWindow) callEvents() string {
	var b strings.Builder
	for _, e := range w.seen {
		if e["event"] == "call" {
			j, _ := json.Marshal(e)
			b.Write(j)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// callIs matches the call events of call id ("" = any call) in state
// ("" = any state) whose remote party is user ("" = anyone).
func callIs(id, state, user string) func(map[string]any) bool {
	return func(e map[string]any) bool {
		return e["event"] == "call" && (id == "" || e["id"] == id) && (state == "" || e["state"] == state) &&
			(user == "" || strings.Contains(fmt.Sprint(e["remote"]), user+"@"))
	}
}

// dial types user and Return, as a user would on the dialpad (the number
// field must have the keyboard), and returns the call's id once connected.
func (w *callsWindow) dial(user string) string {
	w.t.Helper()
	w.xdotool("type", "--delay", "40", user)
	w.xdotool("key", "Return")
	c := w.wait("the call to "+user+" connected (did the typing reach the number field?)", 15*time.Second, callIs("", "connected", user))
	return fmt.Sprint(c["id"])
}

// callPeer dials baresip b from the window and returns the call's id once
// both sides are connected.
func (w *callsWindow) callPeer(b *testlab.Baresip) string {
	w.t.Helper()
	id := w.dial(b.User)
	bareWait(w.t, b, "CALL_ESTABLISHED", 5*time.Second)
	return id
}

// pcmuPeer starts baresip as user at k, answering by itself, on PCMU.
func pcmuPeer(t *testing.T, k *testlab.Kamailio, user string) *testlab.Baresip {
	t.Helper()
	return testlab.StartBaresip(t, testlab.BaresipOptions{User: user, Kamailio: k, Codecs: []string{"pcmu"}})
}

// The in-call screen's round buttons (gui/pages/incall/controls.go) sit
// in a grid of 96 dp cells centred on the screen, which is the window
// (1024×700 dp, 1 px per dp under Xvfb) right of the 140 dp navigation
// rail: columns at x 486, 582 and 678. How far down the grid is depends on what is above
// it (the list of calls, the avatar, the REC and quality lines), so the
// rows are found in a picture of the window: see controlRows.
var controlCells = map[string]struct{ x, row int }{
	"Mute": {486, 0}, "Hold": {582, 0}, "Keypad": {678, 0},
	"Transfer": {486, 1}, "Merge": {582, 1}, "Record": {678, 1},
	"Audio": {486, 2}, "Video": {582, 2}, "Add call": {678, 2},
}

// clickControl clicks the in-call button labelled name.
func (w *callsWindow) clickControl(name string) {
	w.t.Helper()
	cell, ok := controlCells[name]
	if !ok {
		w.t.Fatalf("no in-call button %q", name)
	}
	rows := controlRows(w.grab())
	if len(rows) < 2 {
		w.screenshot("no-controls.png")
		w.t.Fatalf("clicking %s: the in-call buttons are not on screen (discs found at y %v)", name, rows)
	}
	y := rows[0] + cell.row*(rows[1]-rows[0])
	w.click([2]int{cell.x, y})
}

// controlRows finds the centres (y) of the left column's round buttons
// (Mute, then Transfer) in a picture of the in-call screen: runs of 50 to
// 75 px that differ from the background down the column x = 486. The
// list's rows are lower (about 40 px), text lines lower still, and the
// avatar and the REC pill do not reach that column.
func controlRows(img image.Image) []int { return columnRuns(img, 486, 50, 75) }

// columnRuns are the centres (y) of the runs of lo to hi px down column x
// of img that differ from the background (taken right of the centred
// content).
func columnRuns(img image.Image, x, lo, hi int) []int {
	br, bgc, bb, _ := img.At(1015, 350).RGBA()
	differs := func(y int) bool {
		r, g, b, _ := img.At(x, y).RGBA()
		d := func(a, b uint32) bool { return max(a, b)-min(a, b) > 6<<8 }
		return d(r, br) || d(g, bgc) || d(b, bb)
	}
	var runs []int
	start := -1
	for y := img.Bounds().Min.Y; y <= img.Bounds().Max.Y; y++ {
		in := y < img.Bounds().Max.Y && differs(y)
		switch {
		case in && start < 0:
			start = y
		case !in && start >= 0:
			if n := y - start; n >= lo && n <= hi {
				runs = append(runs, start+n/2)
			}
			start = -1
		}
	}
	return runs
}

// grab is a picture of the window now.
func (w *callsWindow) grab() image.Image {
	w.t.Helper()
	time.Sleep(200 * time.Millisecond) // let the last change draw
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	imp := exec.CommandContext(ctx, "import", "-window", w.id, "png:-")
	imp.Env = w.env
	var stderr bytes.Buffer
	imp.Stderr = &stderr
	out, err := imp.Output()
	if err != nil {
		w.t.Fatalf("import -window %s: %v\n%s", w.id, err, stderr.String())
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		w.t.Fatalf("the window's picture: %v", err)
	}
	return img
}

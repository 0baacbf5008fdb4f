package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// videoRunTimeout bounds each run of the program in the video tests.
const videoRunTimeout = 20 * time.Second

// runBinary runs the built program to its end and returns its exit code and
// output; env entries are added to the test's environment.
func runBinary(t *testing.T, bin string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), videoRunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb testlab.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("softphone %s: still running after %v\nstdout:\n%s\nstderr:\n%s", args[0], videoRunTimeout, out.String(), errb.String())
	}
	code = 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("softphone %s: %v", args[0], err)
		}
		code = ee.ExitCode()
	}
	return code, out.String(), errb.String()
}

// runningAnswer is a `softphone answer --json` process in the background
// that printed where it listens.
type runningAnswer struct {
	cmd    *exec.Cmd
	addr   string
	stdout testlab.SyncBuffer // every line, the listening one included
	stderr testlab.SyncBuffer
	done   chan struct{}
	err    error // of Wait, once done is closed
}

// startAnswer starts `bin answer --json args...` and waits until it
// listens; it is killed when the test ends.
func startAnswer(t *testing.T, bin string, args ...string) *runningAnswer {
	t.Helper()
	a := &runningAnswer{done: make(chan struct{})}
	a.cmd = exec.Command(bin, append([]string{"answer", "--json"}, args...)...)
	pipe, err := a.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	a.cmd.Stderr = &a.stderr
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = a.cmd.Process.Kill()
		<-a.done
	})
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			fmt.Fprintln(&a.stdout, sc.Text())
			var e struct{ Event, Addr string }
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Event == "listening" {
				select {
				case listening <- e.Addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, pipe)
		a.err = a.cmd.Wait()
		close(a.done)
	}()
	select {
	case a.addr = <-listening:
	case <-a.done:
		t.Fatalf("answer exited before listening: %v\n%s\n%s", a.err, a.stdout.String(), a.stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("answer printed no listening address\n%s\n%s", a.stdout.String(), a.stderr.String())
	}
	return a
}

// wait waits for the answer program to end by itself and returns its exit
// code.
func (a *runningAnswer) wait(t *testing.T, within time.Duration) int {
	t.Helper()
	select {
	case <-a.done:
	case <-time.After(within):
		t.Fatalf("answer did not exit within %v\nstdout:\n%s\nstderr:\n%s", within, a.stdout.String(), a.stderr.String())
	}
	if a.err == nil {
		return 0
	}
	if ee, ok := a.err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	t.Fatalf("answer: %v", a.err)
	return -1
}

// finalStats is the final stats event of a --json run.
func finalStats(t *testing.T, evs []map[string]any) map[string]any {
	t.Helper()
	for _, e := range evs {
		if e["event"] == "stats" && e["final"] == true {
			return e
		}
	}
	t.Fatal("no final stats event")
	return nil
}

// videoFigures is the "video" object of a stats event; nil when absent.
type videoFigures struct {
	Codec                                     string
	FramesSent, FramesReceived, FramesDecoded float64
	KeyframesRequested, Width, Height, FPS    float64
}

func videoOf(e map[string]any) *videoFigures {
	v, ok := e["video"].(map[string]any)
	if !ok {
		return nil
	}
	num := func(k string) float64 { f, _ := v[k].(float64); return f }
	codec, _ := v["codec"].(string)
	return &videoFigures{Codec: codec, FramesSent: num("frames_sent"), FramesReceived: num("frames_received"),
		FramesDecoded: num("frames_decoded"), KeyframesRequested: num("keyframes_requested"),
		Width: num("width"), Height: num("height"), FPS: num("fps")}
}

// checkVideoStats checks what a call with video both ways must show: our
// pictures went out, the far end's came in and were nearly all decoded, at
// the far end's size and in the codec expected.
func checkVideoStats(t *testing.T, v *videoFigures, codec string, w, h int) {
	t.Helper()
	switch {
	case v == nil:
		t.Fatal("final stats have no video figures")
	case v.FramesSent <= 0:
		t.Fatalf("no frames sent: %+v", *v)
	case v.FramesReceived <= 0 || v.FramesDecoded <= 0:
		t.Fatalf("no frames received or decoded: %+v", *v)
	case v.FramesDecoded < 0.8*v.FramesReceived:
		t.Fatalf("decoded %v of %v frames received (< 80 %%): %+v", v.FramesDecoded, v.FramesReceived, *v)
	case int(v.Width) != w || int(v.Height) != h:
		t.Fatalf("received pictures %vx%v, want %dx%d", v.Width, v.Height, w, h)
	case !strings.EqualFold(v.Codec, codec):
		t.Fatalf("codec %q, want %q", v.Codec, codec)
	}
}

// readPNG decodes a saved picture.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("saved frame: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("saved frame %s: %v", path, err)
	}
	return img
}

// checkFrame checks a saved picture's size and that it shows something: a
// uniform picture (all black, all grey) is what a broken decoder gives.
func checkFrame(t *testing.T, path string, w, h int) {
	t.Helper()
	img := readPNG(t, path)
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("saved frame %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	d := lumaDeviation(img)
	if d <= 10 {
		t.Fatalf("saved frame is nearly uniform: luma standard deviation %.1f", d)
	}
	t.Logf("saved frame %dx%d, luma standard deviation %.1f", w, h, d)
}

// lumaDeviation is the standard deviation of the picture's luma (0–255).
func lumaDeviation(img image.Image) float64 {
	b := img.Bounds()
	var sum, sq, n float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
			sum += l
			sq += l * l
			n++
		}
	}
	mean := sum / n
	return math.Sqrt(sq/n - mean*mean)
}

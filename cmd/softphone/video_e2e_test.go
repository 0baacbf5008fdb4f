package main

import (
	"context"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// baresip's video as testlab configures it: what our side must receive.
const (
	baresipVideoW, baresipVideoH = 352, 288
	baresipVideoCodec            = "VP8"
)

// directConfig is a configuration for calls without a server: SIP on a
// free loopback port, then extra (TOML).
func directConfig(t *testing.T, extra string) string {
	return writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+extra)
}

// phoneArgs are the flags every program of these tests runs with: its
// own configuration (direct calls, plus extra) and data, and a tone file
// as microphone (looped), so the calls do not depend on the machine's
// sound devices.
func phoneArgs(t *testing.T, extra string) []string {
	t.Helper()
	tone := filepath.Join(t.TempDir(), "tone.wav")
	if err := testlab.WriteToneWAV(tone, 16000, 440, time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	return []string{"--config", directConfig(t, extra), "--data", t.TempDir(), "--play", tone}
}

// TestVideoPrograms runs the built program in video calls with real
// peers: baresip either way, and itself sharing a screen.
func TestVideoPrograms(t *testing.T) {
	if testing.Short() {
		t.Skip("real programs in video calls")
	}
	bin := buildBinary(t)
	t.Run("CallBaresip", func(t *testing.T) { testVideoCallToBaresip(t, bin) })
	t.Run("AnswerBaresip", func(t *testing.T) { testVideoAnswerFromBaresip(t, bin) })
	t.Run("AnswerAudioOnly", func(t *testing.T) { testAnswerWithoutVideo(t, bin) })
	t.Run("ScreenShareVP8", func(t *testing.T) { testScreenShare(t, bin, "VP8") })
	t.Run("ScreenShareH264", func(t *testing.T) { testScreenShare(t, bin, "H264") })
}

// baresipDecodedOurs checks that baresip decoded our pictures, at the
// [video] size's default.
func baresipDecodedOurs(t *testing.T, bob *testlab.Baresip) {
	t.Helper()
	if !strings.Contains(bob.Log(), "receiving with resolution 640 x 480") {
		t.Fatal("baresip did not decode our 640x480 pictures")
	}
}

// testVideoCallToBaresip: the program calls baresip with video from the
// test pattern; both ways carry pictures, and the last one received is
// saved as a PNG of baresip's size.
func testVideoCallToBaresip(t *testing.T, bin string) {
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Video: true})
	png := filepath.Join(t.TempDir(), "far.png")
	start := time.Now()
	args := append([]string{"call", bob.AOR, "--video", "--camera", "test", "--hangup-after", "4s", "--json", "--save-frame", png}, phoneArgs(t, "")...)
	code, stdout, stderr := runBinary(t, bin, nil, args...)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	t.Logf("call with video: %v", time.Since(start))
	evs := jsonEvents(t, stdout)
	v := videoOf(finalStats(t, evs))
	checkVideoStats(t, v, baresipVideoCodec, baresipVideoW, baresipVideoH)
	t.Logf("our figures: %+v", *v)
	checkFrame(t, png, baresipVideoW, baresipVideoH)
	conn := findEvent(evs, "call", "state", "connected")
	if cv, _ := conn["video"].(map[string]any); cv == nil || cv["source"] != "test" || cv["sending"] != true || cv["receiving"] != true {
		t.Fatalf("connected event does not show video both ways from the test pattern: %v", conn)
	}
	baresipDecodedOurs(t, bob)
}

// testVideoAnswerFromBaresip: baresip calls the answer command, which
// answers with video; same checks as for a call out.
func testVideoAnswerFromBaresip(t *testing.T, bin string) {
	png := filepath.Join(t.TempDir(), "far.png")
	a := startAnswer(t, bin, append(phoneArgs(t, ""), "--count", "1", "--video", "--hangup-after", "4s", "--save-frame", png)...)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Video: true})
	start := time.Now()
	if err := bob.Dial("sip:alice@" + a.addr); err != nil {
		t.Fatal(err)
	}
	if code := a.wait(t, 15*time.Second); code != exitOK {
		t.Fatalf("answer exit %d\nstdout:\n%s\nstderr:\n%s", code, a.stdout.String(), a.stderr.String())
	}
	t.Logf("answered call with video: %v", time.Since(start))
	evs := jsonEvents(t, a.stdout.String())
	v := videoOf(finalStats(t, evs))
	checkVideoStats(t, v, baresipVideoCodec, baresipVideoW, baresipVideoH)
	t.Logf("our figures: %+v", *v)
	checkFrame(t, png, baresipVideoW, baresipVideoH)
	baresipDecodedOurs(t, bob)
}

// testAnswerWithoutVideo: answered without --video, baresip's video
// offer is declined and the call is audio only. (--save-frame without
// --video is refused up front: TestVideoFlagErrors.)
func testAnswerWithoutVideo(t *testing.T, bin string) {
	a := startAnswer(t, bin, append(phoneArgs(t, ""), "--count", "1", "--hangup-after", "2s")...)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Video: true})
	if err := bob.Dial("sip:alice@" + a.addr); err != nil {
		t.Fatal(err)
	}
	if code := a.wait(t, 15*time.Second); code != exitOK {
		t.Fatalf("answer exit %d\nstdout:\n%s\nstderr:\n%s", code, a.stdout.String(), a.stderr.String())
	}
	evs := jsonEvents(t, a.stdout.String())
	st := finalStats(t, evs)
	if v := videoOf(st); v != nil && (v.FramesSent > 0 || v.FramesReceived > 0) {
		t.Fatalf("an audio-only answer moved video: %+v", *v)
	}
	for _, k := range []string{"packets_received", "packets_sent"} {
		if p, _ := st[k].(float64); p < 50 {
			t.Fatalf("audio %s %v, want ≥ 50 in 2 s", k, p)
		}
	}
	conn := findEvent(evs, "call", "state", "connected")
	if conn == nil {
		t.Fatal("no connected event")
	}
	if v, ok := conn["video"].(map[string]any); ok && (v["sending"] == true || v["receiving"] == true) {
		t.Fatalf("connected event shows video flowing: %v", v)
	}
	if strings.Contains(bob.Log(), "receiving with resolution") {
		t.Fatal("baresip received video from an audio-only answer")
	}
}

// TestVideoFlagErrors: video flags that cannot work are refused before any
// call, with a message saying what is wrong.
func TestVideoFlagErrors(t *testing.T) {
	t.Setenv("DISPLAY", "") // no screen to share
	png := filepath.Join(t.TempDir(), "far.png")
	// What the refusal of --screen says: how to get a screen where
	// capture needs an X display, that there is none elsewhere.
	noScreenHint := "DISPLAY"
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		noScreenHint = "screen capture is not available on this system"
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"call camera without video", []string{"call", "sip:a@127.0.0.1:9", "--camera", "x"}, exitUsage, []string{"--camera", "--video"}},
		{"call screen without video", []string{"call", "sip:a@127.0.0.1:9", "--screen"}, exitUsage, []string{"--screen", "--video"}},
		{"call camera and screen", []string{"call", "sip:a@127.0.0.1:9", "--video", "--screen", "--camera", "test"}, exitUsage, []string{"cannot go together"}},
		{"answer camera without video", []string{"answer", "--camera", "x"}, exitUsage, []string{"--camera", "--video"}},
		{"call save-frame without video", []string{"call", "sip:a@127.0.0.1:9", "--save-frame", png}, exitUsage, []string{"--save-frame", "--video"}},
		{"answer save-frame without video", []string{"answer", "--save-frame", png}, exitUsage, []string{"--save-frame", "--video"}},
		{"call no such camera", []string{"call", "sip:a@127.0.0.1:9", "--video", "--camera", "nosuch"}, exitUsage, []string{`"nosuch"`, "no such capture device"}},
		{"answer no such camera", []string{"answer", "--video", "--camera", "nosuch"}, exitUsage, []string{`"nosuch"`, "no such capture device"}},
		{"call screen without display", []string{"call", "sip:a@127.0.0.1:9", "--video", "--screen"}, exitUsage, []string{`"screen:0"`, noScreenHint}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append(c.args, "--config", directConfig(t, ""), "--data", t.TempDir())
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var out, errb strings.Builder
			code := run(ctx, args, &out, &errb)
			if ctx.Err() != nil {
				t.Fatalf("still running after 10 s: it should have refused the flags\n%s", errb.String())
			}
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out.String(), errb.String())
			}
			for _, w := range c.want {
				if !strings.Contains(errb.String(), w) {
					t.Fatalf("stderr %q does not say %q", errb.String(), w)
				}
			}
			if _, err := os.Stat(png); err == nil {
				t.Fatal("a frame was saved")
			}
		})
	}
}

// TestSavedFrameColours: a saved frame shows BT.601 limited-range
// pictures at their true colours (black 0, white 255), not JPEG's.
func TestSavedFrameColours(t *testing.T) {
	for _, c := range []struct {
		name      string
		y, cb, cr uint8
		want      color.RGBA
	}{
		{"black", 16, 128, 128, color.RGBA{0, 0, 0, 255}},
		{"white", 235, 128, 128, color.RGBA{255, 255, 255, 255}},
		{"red", 81, 90, 240, color.RGBA{255, 0, 0, 255}},
		{"green", 145, 54, 34, color.RGBA{0, 255, 0, 255}},
		{"blue", 41, 240, 110, color.RGBA{0, 0, 255, 255}},
	} {
		img := image.NewYCbCr(image.Rect(0, 0, 4, 2), image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = c.y
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = c.cb, c.cr
		}
		// A sub-picture: rows and columns counted from its own origin.
		got := studioRGB(img.SubImage(image.Rect(2, 0, 4, 2)).(*image.YCbCr))
		if got.Bounds() != image.Rect(0, 0, 2, 2) {
			t.Fatalf("%s: bounds %v", c.name, got.Bounds())
		}
		if px := got.RGBAAt(1, 1); !near(px, c.want, 2) {
			t.Errorf("%s: %v, want %v", c.name, px, c.want)
		}
	}
}

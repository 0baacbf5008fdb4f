package incall_test

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

var now = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

var sizes = []struct {
	name string
	size image.Point
}{
	{"phone", image.Pt(360, 740)},
	{"tablet", image.Pt(800, 1280)},
	{"desktop", image.Pt(1024, 700)},
}

func alice() call.Info {
	return call.Info{ID: "a", Direction: call.Outgoing, Account: "work", Remote: call.Party{DisplayName: "Alice Martin", URI: "sip:alice@example.com"},
		State: call.Connected, Codec: "opus", Started: now.Add(-4 * time.Minute), Answered: now.Add(-3*time.Minute - 25*time.Second)}
}

func bob() call.Info {
	return call.Info{ID: "b", Direction: call.Inbound, Remote: call.Party{URI: "sip:+33612345678@sip.example.net"},
		State: call.Held, LocalHold: true, Codec: "g722", Started: now.Add(-20 * time.Minute), Answered: now.Add(-19*time.Minute - 2*time.Second)}
}

func carol() call.Info {
	return call.Info{ID: "c", Direction: call.Inbound, Account: "home", Remote: call.Party{DisplayName: "Carol Nguyen", URI: "sip:carol@voip.example.org"},
		State: call.Incoming, Started: now}
}

func goodStats() core.Quality {
	q := figures(10000, 12, 8*time.Millisecond, 42*time.Millisecond)
	q.Codec = "opus"
	return q
}

// scenario is a state of the phone and what the user did.
type scenario struct {
	name  string
	calls []call.Info
	stats map[string]core.Quality
	taps  []string // descriptions tapped in turn
	typed string
	// described must be on the screen.
	described []string
	// colours are theme colours some pixels must have.
	colours func(th *theme.Theme) []color.NRGBA
}

func scenarios() []scenario {
	danger := func(th *theme.Theme) []color.NRGBA { return []color.NRGBA{th.Danger} }
	answer := func(th *theme.Theme) []color.NRGBA { return []color.NRGBA{th.Danger, th.Accept} }
	dialing := alice()
	dialing.State, dialing.Answered, dialing.Codec = call.Ringing, time.Time{}, ""
	muted := alice()
	muted.Muted = true
	remoteHeld := alice()
	remoteHeld.State, remoteHeld.RemoteHold = call.RemoteHeld, true
	direct := carol()
	direct.Account = ""
	recording := alice()
	recording.Recording, recording.RecordingSince = "/tmp/rec.wav", now.Add(-127*time.Second)
	failed := alice()
	failed.Transfer, failed.ReferredBy = "failed: 486 Busy Here", "sip:bob@example.com"
	conf := []call.Info{bob(), alice(), dave()}
	for i := range conf {
		conf[i].Conference, conf[i].State, conf[i].LocalHold = "conf", call.Connected, false
	}
	conf[1].Recording, conf[1].RecordingSince = "/tmp/rec.wav", now.Add(-42*time.Second)
	auto := carol()
	auto.AutoAnswer = true
	secure := alice()
	secure.Encryption = call.EncryptionDTLS
	relayed := goodStats()
	relayed.Path = "relay"
	return []scenario{
		{name: "incoming", calls: []call.Info{carol()}, colours: answer,
			described: []string{"Answer the call from Carol Nguyen", "Decline the call from Carol Nguyen"}},
		{name: "incoming-waiting", calls: []call.Info{alice(), direct}, colours: answer,
			described: []string{"Put the current call on hold and answer Carol Nguyen"}},
		{name: "connected", calls: []call.Info{alice()}, stats: map[string]core.Quality{"a": goodStats()}, colours: danger,
			described: []string{"Hang up the call with Alice Martin", "Mute the microphone", "Put the call on hold", "Call quality Good", "Call state: Connected · 03:25"}},
		{name: "ringing", calls: []call.Info{dialing}, colours: danger,
			described: []string{"Call state: Ringing…"}},
		{name: "two-calls", calls: []call.Info{bob(), muted}, stats: map[string]core.Quality{"a": figures(500, 20, 45*time.Millisecond, 180*time.Millisecond)},
			colours: danger, described: []string{"Switch to +33612345678, On hold · 19:02", "Call quality Fair", "Microphone muted"}},
		{name: "remote-held", calls: []call.Info{remoteHeld}, stats: map[string]core.Quality{"a": figures(500, 60, 0, 0)},
			colours: danger, described: []string{"Held by the other side", "Call quality Poor"}},
		{name: "keypad", calls: []call.Info{alice()}, taps: []string{"Show the keypad"}, typed: "123#", colours: danger,
			described: []string{"Send tone 5", "Tones sent: 123#", "Hide the keypad"}},
		{name: "audio", calls: []call.Info{alice()}, taps: []string{"Choose the microphone"}, colours: danger,
			described: []string{"Use USB headset as the microphone", "Use Built-in speakers as the speaker", "Close the audio device choice"}},
		{name: "recording", calls: []call.Info{recording}, stats: map[string]core.Quality{"a": goodStats()}, colours: danger,
			described: []string{"Recording · 02:07", "Stop recording the call"}},
		{name: "transfer-failed", calls: []call.Info{failed}, stats: map[string]core.Quality{"a": goodStats()}, colours: danger,
			described: []string{"Transfer failed: 486 Busy Here", "Referred by bob"}},
		{name: "transfer", calls: []call.Info{bob(), alice()}, taps: []string{"Transfer the call to another"}, typed: "1002", colours: danger,
			described: []string{"Transfer target", "Transfer Alice Martin to +33612345678 (on hold)"}},
		{name: "conference", calls: conf, stats: map[string]core.Quality{"a": goodStats()}, colours: danger,
			described: []string{"In conference with +33612345678, Alice Martin, Dave Martin", "Split Dave Martin from the conference", "Recording · 00:42"}},
		{name: "encrypted", calls: []call.Info{secure}, stats: map[string]core.Quality{"a": relayed}, colours: danger,
			described: []string{"Audio encrypted with DTLS-SRTP", "Via relay", "Call quality Good"}},
		{name: "incoming-auto", calls: []call.Info{alice(), auto}, colours: answer,
			described: []string{"Answering automatically", "Current call: Alice Martin"}},
	}
}

// TestRender lays out every screen at the three sizes in both themes,
// checks its controls are there and described, and renders it to a PNG
// (in $SOFTPHONE_RENDER_DIR if set, to look at).
func TestRender(t *testing.T) {
	dir := os.Getenv("SOFTPHONE_RENDER_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shaper := theme.New(false, nil).Shaper
	windows := guitest.Windows{}
	defer windows.Release()
	for _, sc := range scenarios() {
		for _, sz := range sizes {
			for _, dark := range []bool{false, true} {
				name := fmt.Sprintf("%s-%s-%s", sc.name, sz.name, map[bool]string{false: "light", true: "dark"}[dark])
				t.Run(name, func(t *testing.T) {
					th := theme.New(dark, shaper)
					ph := guitest.NewPhone(sc.calls...)
					for id, s := range sc.stats {
						ph.Quality[id] = s
					}
					ph.Devices = []audio.DeviceInfo{
						{ID: "mic0", Name: "Built-in microphone", Capture: true, IsDefault: true},
						{ID: "hs", Name: "USB headset", Capture: true, Playback: true},
						{ID: "spk0", Name: "Built-in speakers", Playback: true, IsDefault: true},
					}
					ph.Cfg.Audio.Output = "hs"
					root := gui.NewRoot(t.Context(), ph, th)
					// Root runs commands (the device list) on its queue
					// goroutine and asks for a frame after each.
					done := make(chan struct{}, 1)
					root.Invalidate = func() {
						select {
						case done <- struct{}{}:
						default:
						}
					}
					h := &guitest.Harness{T: t, Size: sz.size, Now: now, Windows: windows}
					h.Layout = func(gtx layout.Context) { root.Layout(gtx) }
					h.Frame()
					for _, tap := range sc.taps {
						h.ClickPart(tap)
					}
					if sc.typed != "" {
						h.Type(sc.typed)
					}
					// Wait for what the commands bring.
					timeout := time.After(3 * time.Second)
				wait:
					for {
						missing := false
						for _, d := range sc.described {
							_, ok := h.FindPart(d)
							missing = missing || !ok
						}
						if !missing {
							break
						}
						select {
						case <-done:
							h.Frame()
						case <-timeout:
							break wait
						}
					}
					for _, d := range sc.described {
						if _, ok := h.FindPart(d); !ok {
							t.Errorf("nothing described %q; have %q", d, h.Descriptions())
						}
					}
					img := h.Screenshot(filepath.Join(dir, name+".png"))
					for _, c := range sc.colours(th) {
						if !hasColour(img, c) {
							t.Errorf("no pixel of colour %v", c)
						}
					}
				})
			}
		}
	}
}

// hasColour reports whether enough pixels have about colour c.
func hasColour(img *image.RGBA, c color.NRGBA) bool {
	n := 0
	near := func(a, b uint8) bool { return int(a)-int(b) < 6 && int(b)-int(a) < 6 }
	for i := 0; i+3 < len(img.Pix); i += 4 {
		if near(img.Pix[i], c.R) && near(img.Pix[i+1], c.G) && near(img.Pix[i+2], c.B) {
			if n++; n > 200 {
				return true
			}
		}
	}
	return false
}

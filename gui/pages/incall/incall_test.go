package incall_test

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/pages/incall"
	"github.com/softphone/softphone/gui/theme"
)

// screen lays out the in-call page alone, with commands run at once.
type screen struct {
	*guitest.Screen
	page *incall.Page
}

func newScreen(t *testing.T, calls ...call.Info) *screen {
	s := &screen{page: incall.New()}
	s.Screen = guitest.NewScreen(t, theme.New(false, nil), image.Pt(360, 700), now, s.page.Layout, calls...)
	return s
}

func TestMuteHoldHangup(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Mute the microphone")
	s.Want("Mute a true")
	s.ClickPart("Microphone muted; unmute it")
	s.Want("Mute a false")
	s.ClickPart("Put the call on hold")
	s.Want("Hold a")
	s.ExpectPart("Call state: On hold")
	s.ClickPart("Take the call off hold")
	s.Want("Resume a")
	s.ClickPart("Hang up the call with Alice Martin")
	s.Want("Hangup a")
	if len(s.Errs) > 0 {
		t.Errorf("errors %q", s.Errs)
	}
}

func TestHoldNeedsAnAnsweredCall(t *testing.T) {
	c := alice()
	c.State, c.Answered = call.Ringing, time.Time{}
	s := newScreen(t, c)
	s.ExpectPart("Call state: Ringing…")
	d, _ := s.FindPart("Put the call on hold")
	if !d.Disabled {
		t.Error("hold enabled before the call is answered")
	}
	s.ClickPart("Put the call on hold")
	s.ClickPart("Show the keypad")
	s.Want()
	s.ClickPart("Mute the microphone") // muting works while it rings
	s.Want("Mute a true")
}

func TestKeypadSendsTonesInOrder(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Show the keypad")
	s.ClickPart("Send tone 5")
	s.ClickPart("Send tone #")
	s.Type("12*")
	s.Want("DTMF a 5", "DTMF a #", "DTMF a 1", "DTMF a 2", "DTMF a *")
	s.ExpectPart("Tones sent: 5#12*")
	s.ClickPart("Hide the keypad")
	s.ExpectPart("Mute the microphone")
}

func TestTypedDigitsOpenTheKeypad(t *testing.T) {
	s := newScreen(t, alice())
	s.Type("9x")
	s.Want("DTMF a 9")
	s.ExpectPart("Send tone 1")
}

func TestAddCallHidesThePage(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Place another call")
	if !s.page.Hidden {
		t.Error("not hidden after Add call")
	}
	s.Want()
}

func TestAudioDeviceChoice(t *testing.T) {
	s := newScreen(t, alice())
	s.Phone.Devices = []audio.DeviceInfo{
		{ID: "mic0", Name: "Built-in microphone", Capture: true},
		{ID: "hs", Name: "USB headset", Capture: true, Playback: true},
		{ID: "spk0", Name: "Built-in speakers", Playback: true},
	}
	s.Phone.Cfg.Audio.Output = "Built-in speakers" // by name, as config allows
	s.ClickPart("Choose the microphone")
	s.Want("AudioDevices")
	s.Frame()
	if d, _ := s.FindPart("Use Built-in speakers as the speaker"); !d.Selected {
		t.Error("configured speaker not checked")
	}
	if d, _ := s.FindPart("Use System default as the microphone"); !d.Selected {
		t.Error("default microphone not checked")
	}
	s.ClickPart("Use USB headset as the microphone")
	s.Want("SetCallAudio a in=hs out=Built-in speakers")
	if d, _ := s.FindPart("Use USB headset as the microphone"); !d.Selected {
		t.Error("chosen microphone not checked")
	}
	s.ClickPart("Use USB headset as the microphone") // already chosen
	s.Want()
	s.ClickPart("Close the audio device choice")
	s.ExpectPart("Mute the microphone")
}

func TestSwitchBetweenCalls(t *testing.T) {
	s := newScreen(t, bob(), alice())
	s.ExpectPart("In call with Alice Martin")
	s.ExpectPart("Alice Martin, Connected · 03:25, shown")
	s.ClickPart("Switch to +33612345678")
	s.Want("SwitchTo b")
	wantStates(t, s.Screen, map[string]call.State{"a": call.Held, "b": call.Connected})
	s.ExpectPart("In call with +33612345678")
	s.ClickPart("Switch to Alice Martin")
	s.Want("SwitchTo a")
	wantStates(t, s.Screen, map[string]call.State{"a": call.Connected, "b": call.Held})
	s.ExpectPart("In call with Alice Martin")
}

// wantStates checks the calls' states after a command: the fake phone
// applies the core's policy, so this is what the user gets.
func wantStates(t *testing.T, s *guitest.Screen, want map[string]call.State) {
	t.Helper()
	for _, c := range s.Phone.Calls() {
		if st, ok := want[c.ID]; ok && c.State != st {
			t.Errorf("call %s is %v, want %v", c.ID, c.State, st)
		}
	}
}

func TestOneCallHasNoStrip(t *testing.T) {
	s := newScreen(t, alice())
	for _, d := range s.Descriptions() {
		if strings.HasPrefix(d, "Switch to") {
			t.Errorf("call list shown for one call: %q", d)
		}
	}
}

func TestRedrawsEachSecond(t *testing.T) {
	c := alice()
	c.Answered = now.Add(-3*time.Second - 400*time.Millisecond)
	s := newScreen(t, c)
	s.ExpectPart("Call state: Connected · 00:03")
	s.Frame() // the first frame has events pending (focus): it wakes at once
	at, ok := s.Router.WakeupTime()
	if want := now.Add(600 * time.Millisecond); !ok || !at.Equal(want) {
		t.Errorf("wake-up at %v (%v), want %v", at, ok, want)
	}
}

func TestQualityBadge(t *testing.T) {
	s := newScreen(t, alice())
	s.ExpectPart("Call quality not known yet")
	s.Phone.Quality["a"] = figures(1000, 100, 5*time.Millisecond, 0)
	s.Frame()
	s.ExpectPart("Call quality Poor. Opus · Jitter 5 ms · Loss 9.1% · RTT —")
}

func TestGrade(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		f    incall.Figures
		want incall.Quality
	}{
		{incall.Figures{Jitter: 10 * ms, LossPct: 0.5, RTT: 100 * ms}, incall.Good},
		{incall.Figures{Jitter: 10 * ms}, incall.Good},
		{incall.Figures{Jitter: 30 * ms}, incall.Fair},
		{incall.Figures{LossPct: 1}, incall.Fair},
		{incall.Figures{RTT: 150 * ms}, incall.Fair},
		{incall.Figures{LossPct: 5}, incall.Poor},
		{incall.Figures{Jitter: 60 * ms}, incall.Poor},
		{incall.Figures{RTT: 300 * ms}, incall.Poor},
	} {
		if got := incall.Grade(c.f); got != c.want {
			t.Errorf("Grade(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
}

// figures is a call's quality reading: received and lost packets, jitter
// and round trip.
func figures(recv, lost uint64, jitter, rtt time.Duration) core.Quality {
	var q core.Quality
	q.PacketsSent, q.PacketsReceived, q.Lost, q.Jitter, q.RTT, q.At = recv, recv, lost, jitter, rtt, now
	return q
}

func TestAssess(t *testing.T) {
	var sent core.Quality
	sent.PacketsSent = 50
	if _, ok := incall.Assess(sent, core.Quality{}); ok {
		t.Error("figures before any packet came in")
	}
	// Loss over the interval: 10 lost of the last 100.
	f, ok := incall.Assess(figures(1090, 10, 0, 0), figures(1000, 0, 0, 0))
	if !ok || f.LossPct < 9.9 || f.LossPct > 10.1 {
		t.Errorf("interval loss %v, want 10", f.LossPct)
	}
	// The far end's report counts too, and the worse jitter.
	far := figures(100, 0, time.Millisecond, 0)
	far.RemoteFractionLost, far.RemoteJitter = 0.25, 40*time.Millisecond
	f, _ = incall.Assess(far, core.Quality{})
	if f.LossPct != 25 || f.Jitter != 40*time.Millisecond {
		t.Errorf("figures %+v, want 25%% loss, 40 ms jitter", f)
	}
}

func TestHoldKeepsTheCallShown(t *testing.T) {
	s := newScreen(t, bob(), alice())
	s.ClickPart("Put the call on hold")
	s.Want("Hold a")
	s.ExpectPart("In call with Alice Martin")
	s.ExpectPart("Call state: On hold")
}

func TestANewCallIsShown(t *testing.T) {
	s := newScreen(t, bob(), alice())
	s.ClickPart("Switch to +33612345678")
	s.ExpectPart("In call with +33612345678")
	dave := call.Info{ID: "d", Remote: call.Party{DisplayName: "Dave", URI: "sip:dave@example.com"}, State: call.Dialing, Started: now}
	s.Phone.SetCalls(append(s.Phone.Calls(), dave)...)
	s.Frame()
	s.ExpectPart("In call with Dave")
	s.ExpectPart("Call state: Calling…")
}

package incall_test

import (
	"strings"
	"testing"
	"time"

	"gioui.org/io/key"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/pages/incall"
)

// dave is a third call, answered, in no conference.
func dave() call.Info {
	return call.Info{ID: "d", Direction: call.Outgoing, Remote: call.Party{DisplayName: "Dave Martin", URI: "sip:dave@example.com"},
		State: call.Connected, Codec: "opus", Started: now.Add(-time.Minute), Answered: now.Add(-50 * time.Second)}
}

// conference is alice, bob and dave merged.
func conference() []call.Info {
	cs := []call.Info{bob(), alice(), dave()}
	for i := range cs {
		cs[i].Conference, cs[i].State, cs[i].LocalHold = "conf", call.Connected, false
	}
	return cs
}

func TestBlindTransferTypedTarget(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Transfer the call to another number or call")
	s.ExpectPart("Transfer target")
	s.Type("+33 6 12-34")
	s.Key(key.NameReturn)
	s.Want("Transfer a +3361234")
	// The panel closes and the call shows where the transfer stands.
	s.ExpectPart("Transferring…")
	s.ExpectPart("Mute the microphone")
}

func TestTransferButtonSendsTypedAddress(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Transfer the call to another number or call")
	s.Type("sip:reception@example.com")
	s.ClickPart("Transfer the call to the number typed")
	s.Want("Transfer a sip:reception@example.com")
}

func TestTransferRefusesABadTarget(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Transfer the call to another number or call")
	s.Type(`bob <sip:x>`)
	s.Key(key.NameReturn)
	s.Want()
	s.ExpectPart("Transfer target: A number or address has no spaces")
	s.ClickPart("Close the transfer without transferring")
	s.ExpectPart("Mute the microphone")
	s.Want()
}

func TestCheckTarget(t *testing.T) {
	for in, want := range map[string]string{
		" 1002 ":                 "1002",
		"+33 (0)6 12.34-56":      "+3306123456",
		"sips:alice@example.com": "sips:alice@example.com",
		"tel:+331234":            "tel:+331234",
		"alice@example.com:5070": "alice@example.com:5070",
	} {
		got, msg := incall.CheckTarget(in)
		if msg != "" || got != want {
			t.Errorf("CheckTarget(%q) = %q, %q; want %q", in, got, msg, want)
		}
	}
	for _, bad := range []string{"", "  ", "a b", "x\r\nVia: evil", `"q"`, "<sip:a@b>", "a,b", "http://x", "sip:", strings.Repeat("1", 300)} {
		if got, msg := incall.CheckTarget(bad); msg == "" {
			t.Errorf("CheckTarget(%q) = %q, accepted", bad, got)
		}
	}
}

func TestAttendedTransferToTheOtherCall(t *testing.T) {
	s := newScreen(t, bob(), alice())
	// The shown call is Alice's (bob is held): hand Alice to Bob.
	s.ClickPart("Transfer the call to another number or call")
	s.ClickPart("Transfer Alice Martin to +33612345678 (on hold)")
	s.Want("AttendedTransfer a b")
	s.ExpectPart("Transferring…")
}

func TestNoAttendedTransferWithOneCall(t *testing.T) {
	s := newScreen(t, alice())
	s.ClickPart("Transfer the call to another number or call")
	if _, ok := s.FindPart("Transfer Alice Martin to"); ok {
		t.Error("an attended transfer is offered with no other call")
	}
}

func TestTransferProgressAndFailure(t *testing.T) {
	c := alice()
	c.Transfer = "ringing"
	s := newScreen(t, c)
	s.ExpectPart("Transferring… ringing")
	if d, _ := s.FindPart("Transfer the call to another"); !d.Disabled {
		t.Error("Transfer enabled while one is under way")
	}
	c.Transfer = "failed: 486 Busy Here"
	s.Phone.SetCalls(c)
	s.Frame()
	s.ExpectPart("Transfer failed: 486 Busy Here")
	if d, _ := s.FindPart("Transfer the call to another"); d.Disabled {
		t.Error("Transfer disabled after a failed one")
	}
}

func TestReferredAndForwardedLines(t *testing.T) {
	c := alice()
	c.ReferredBy = `"Bob Dupont" <sip:bob@example.com>`
	c.Redirected = "sip:1002@pbx.example.com"
	c.AutoAnswer = true
	s := newScreen(t, c)
	s.ExpectPart("Referred by Bob Dupont")
	s.ExpectPart("Forwarded to 1002")
	s.ExpectPart("Answered automatically")
}

func TestMergeAllEstablishedCalls(t *testing.T) {
	// Eve was dialled before Dave called: the phone lists the calls in
	// that order, Dave's shown.
	ringing := call.Info{ID: "r", Remote: call.Party{URI: "sip:eve@example.com"}, State: call.Ringing, Started: now.Add(-2 * time.Minute)}
	s := newScreen(t, bob(), alice(), ringing, dave())
	s.ClickPart("Merge all calls into a conference")
	// Every answered call, held or not, oldest first; not the one ringing.
	s.Want("Merge b a d")
	s.ExpectPart("In conference with +33612345678, Alice Martin, Dave Martin")
	if d, _ := s.FindPart("Merge all calls"); !d.Disabled {
		t.Error("Merge still enabled once all calls are in the conference")
	}
}

func TestMergeNeedsTwoCalls(t *testing.T) {
	s := newScreen(t, alice())
	if d, _ := s.FindPart("Merge all calls"); !d.Disabled {
		t.Error("Merge enabled with one call")
	}
	s.ClickPart("Merge all calls")
	s.Want()
}

func TestConferenceLegs(t *testing.T) {
	s := newScreen(t, conference()...)
	s.ExpectPart("In conference with +33612345678, Alice Martin, Dave Martin")
	s.ExpectPart("Call state: Conference of 3 · 19:02")
	s.ExpectPart("Alice Martin, Connected · 03:25, in the conference, shown")
	s.ClickPart("Split Alice Martin from the conference")
	s.Want("Split a")
	s.ClickPart("Hang up Dave Martin")
	s.Want("Hangup d")
	// Alice is on her own now, and the conference is bob alone: no more.
	s.ExpectPart("Switch to +33612345678, Connected · 19:02")
	if _, ok := s.FindPart("Split"); ok {
		t.Errorf("split offered without a conference; have %q", s.Descriptions())
	}
}

func TestConferenceHoldAndHangupTakeEveryLeg(t *testing.T) {
	s := newScreen(t, conference()...)
	s.ClickPart("Put the conference on hold")
	s.Want("Hold b", "Hold a", "Hold d")
	s.ClickPart("Take the conference off hold")
	s.Want("Resume b", "Resume a", "Resume d")
	if d, _ := s.FindPart("Tones cannot go to a conference"); !d.Disabled {
		t.Error("keypad enabled in a conference")
	}
	s.ClickPart("Hang up the conference: all 3 calls")
	s.Want("Hangup b", "Hangup a", "Hangup d")
}

func TestSwitchFromConferenceToACall(t *testing.T) {
	cs := conference()[:2]
	other := dave()
	other.State, other.LocalHold = call.Held, true
	s := newScreen(t, append(cs, other)...)
	s.ClickPart("Switch to Dave Martin")
	s.Want("SwitchTo d")
	wantStates(t, s.Screen, map[string]call.State{"b": call.Held, "a": call.Held, "d": call.Connected})
	s.ExpectPart("In call with Dave Martin")
	s.ClickPart("Switch to Alice Martin")
	s.Want("SwitchTo a")
	wantStates(t, s.Screen, map[string]call.State{"b": call.Connected, "a": call.Connected, "d": call.Held})
	s.ExpectPart("In conference with")
}

func TestRecordToggle(t *testing.T) {
	s := newScreen(t, alice())
	if _, ok := s.FindPart("Recording ·"); ok {
		t.Fatal("recording light shown before recording")
	}
	s.ClickPart("Record the call")
	s.Want("StartRecording a")
	s.ExpectPart("Recording · 00:00")
	s.ExpectPart("Alice Martin") // still the call shown
	s.Now = s.Now.Add(75 * time.Second)
	s.Frame()
	s.ExpectPart("Recording · 01:15")
	s.ClickPart("Stop recording the call")
	s.Want("StopRecording a")
	if _, ok := s.FindPart("Recording ·"); ok {
		t.Error("recording light still shown after stopping")
	}
}

func TestRecordingLightFollowsThePhone(t *testing.T) {
	// The window opens on a call recorded for 95 s already: the clock
	// counts from the phone's start, not from the first frame.
	c := alice()
	c.Recording, c.RecordingSince = guitest.RecordPath, now.Add(-95*time.Second)
	s := newScreen(t, c)
	s.ExpectPart("Recording · 01:35")
	// The light wakes the window for its next second.
	s.Now = s.Now.Add(300 * time.Millisecond)
	s.Frame()
	if at, ok := s.Router.WakeupTime(); !ok || at.After(now.Add(time.Second)) {
		t.Errorf("wake-up at %v (%v), want by %v", at, ok, now.Add(time.Second))
	}
	s.Now = now.Add(time.Second)
	s.Frame()
	s.ExpectPart("Recording · 01:36")
	c.Recording = ""
	s.Phone.SetCalls(c)
	s.Frame()
	if _, ok := s.FindPart("Recording ·"); ok {
		t.Error("recording light shown after the phone stopped recording")
	}
	if d, _ := s.FindPart("Record the call"); d.Selected {
		t.Error("record toggle still on")
	}
}

func TestRecordingLightOfAConference(t *testing.T) {
	// Every leg of a recorded conference has the file's start, also the
	// leg that joined later; the pill counts from it.
	cs := conference()
	for i := range cs {
		cs[i].Recording, cs[i].RecordingSince = guitest.RecordPath, now.Add(-10*time.Minute)
	}
	s := newScreen(t, cs...)
	s.ExpectPart("Recording · 10:00")
	// Record on a leg that records already changes nothing: the toggle
	// stops the conference's recording.
	s.ClickPart("Stop recording the call")
	if got := s.Phone.Commands(); len(got) != 1 || !strings.HasPrefix(got[0], "StopRecording ") {
		t.Fatalf("commands %q", got)
	}
	s.Phone.Reset()
	s.Frame()
	if _, ok := s.FindPart("Recording"); ok {
		t.Error("recording light shown after stopping the conference's recording")
	}
	s.ClickPart("Record the call")
	s.ExpectPart("Recording · 00:00")
	s.Now = s.Now.Add(3 * time.Second)
	s.Frame()
	s.ExpectPart("Recording · 00:03")
}

func TestRecordingLightWithoutAStart(t *testing.T) {
	// A phone that reports the file but not its start: the pill shows,
	// with no clock rather than a wrong one.
	c := alice()
	c.Recording = guitest.RecordPath
	s := newScreen(t, c)
	s.ExpectPart("Recording")
	if _, ok := s.FindPart("Recording ·"); ok {
		t.Error("a clock shown with no start to count from")
	}
}

func TestRecordNeedsAnAnsweredCall(t *testing.T) {
	c := alice()
	c.State, c.Answered = call.Ringing, time.Time{}
	s := newScreen(t, c)
	s.ClickPart("Record the call")
	s.ClickPart("Transfer the call to another")
	s.Want()
}

func TestEscapeClosesAPanelFirst(t *testing.T) {
	s := newScreen(t, alice())
	if s.page.Escape() {
		t.Error("Escape with no panel open says it closed one")
	}
	s.ClickPart("Transfer the call to another number or call")
	if !s.page.Escape() {
		t.Error("Escape did not close the transfer")
	}
	s.Frame()
	s.ExpectPart("Mute the microphone")
	s.Want()
}

package gui

import (
	"image"
	"time"

	"gioui.org/f32"
	"gioui.org/io/pointer"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// The call features' screens, added to TestScreens' list.
func init() {
	screens = append(screens,
		screen{"conference", conferenceScreen},
		screen{"recording", recordingScreen},
		screen{"transfer-failed", transferFailedScreen},
		screen{"incoming-waiting", incomingWaitingScreen},
		screen{"dialpad-business", dialpadBusinessScreen},
		screen{"account-call-handling", accountCallHandlingScreen},
	)
}

func conferenceScreen(h *harness) {
	third := call.Info{ID: "out-3", Direction: call.Inbound, Account: "work", State: call.Connected,
		Remote: call.Party{DisplayName: "Dave Martin", URI: "sip:dave@pbx.example.org"}, Codec: "opus",
		Started: fixedNow.Add(-3 * time.Minute), Answered: fixedNow.Add(-170 * time.Second)}
	calls := []call.Info{connectedCall(), secondCall(), third}
	for i := range calls {
		calls[i].Conference = "conf-1"
	}
	h.phone.SetCalls(calls...)
	h.phone.Quality["out-1"] = cannedStats("opus")
}

func recordingScreen(h *harness) {
	c := connectedCall()
	c.Recording = "/home/alice/recordings/2025-03-14_15-08-45_carol.wav"
	c.RecordingSince = fixedNow.Add(-41 * time.Second)
	h.phone.SetCalls(c)
	h.phone.Quality["out-1"] = cannedStats("opus")
}

func transferFailedScreen(h *harness) {
	c := connectedCall()
	c.Transfer = "failed: 486 Busy Here"
	h.phone.SetCalls(c)
	h.phone.Quality["out-1"] = cannedStats("opus")
}

func incomingWaitingScreen(h *harness) {
	h.phone.SetCalls(connectedCall(), incomingCall())
	h.phone.Quality["out-1"] = cannedStats("opus")
}

// dialpadBusinessScreen has do not disturb on, forwarding to the desk
// and three new voicemail messages.
func dialpadBusinessScreen(h *harness) {
	cfg, st := cannedAccounts()
	for i := range cfg {
		cfg[i].DND = true
		cfg[i].Voicemail = "*97"
	}
	cfg[0].ForwardAlways = "sip:desk@sip.example.com"
	setAccounts(h.phone, cfg, st)
	h.phone.VM = []core.VoicemailStatus{
		{Account: "alice", Waiting: true, New: 3, Old: 2, Number: "*97"},
	}
	h.root.Router.Tab = TabDialpad
}

// accountCallHandlingScreen opens alice's account and scrolls to its call
// handling, with forwarding and voicemail set and a bad no-answer
// forwarding target.
func accountCallHandlingScreen(h *harness) {
	cfg, st := cannedAccounts()
	cfg[0].ForwardBusy = "sip:desk@sip.example.com"
	cfg[0].ForwardNoAnswerAfter = 15
	cfg[0].Voicemail = "*97"
	cfg[0].BusyWhenInCall = true
	setAccounts(h.phone, cfg, st)
	h.root.Router.Tab = TabAccounts
	h.settle()
	h.click(h.find("Edit account alice"))
	h.settle()
	// Scroll the section's title to the top.
	title := h.bounds("Call handling")
	h.router.Queue(pointer.Event{Kind: pointer.Scroll, Source: pointer.Mouse, Position: f32.Pt(float32(h.size.X)/2, float32(h.size.Y)/2),
		Scroll: f32.Pt(0, float32(title.Min.Y-32))})
	h.frames(2)
	h.click(h.find("Forward calls not answered to"))
	h.typeText("bob smith")
}

// bounds is where the node described or labelled s is, on screen or not.
func (h *harness) bounds(s string) image.Rectangle {
	h.t.Helper()
	for _, n := range h.router.AppendSemantics(nil) {
		if n.Desc.Description == s || n.Desc.Label == s {
			return n.Desc.Bounds
		}
	}
	h.t.Fatalf("nothing described or labelled %q", s)
	return image.Rectangle{}
}

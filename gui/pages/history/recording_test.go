package history

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// recording is where the second entry's recording is, in the system's
// own path syntax, and its folder.
var (
	recording   = filepath.FromSlash("/home/alice/Recordings/2025-03-14 14-59 1.wav")
	recordingIn = filepath.FromSlash("/home/alice/Recordings")
)

// recorded is the history with the second entry recorded.
func recorded() []core.HistoryEntry {
	cs := calls(4)
	cs[1].Recording = recording
	return cs
}

func TestHistoryShowsTheRecording(t *testing.T) {
	h := newHarness(t, recorded()...)
	var opened []string
	h.page.OpenFolder = func(dir string) error {
		opened = append(opened, dir)
		return nil
	}
	// One mark, on the recorded entry, which says so.
	var marks []string
	for _, d := range h.Descriptions() {
		if strings.HasPrefix(d, "Recorded") {
			marks = append(marks, d)
		}
	}
	if !slices.Equal(marks, []string{"Recorded: show the recording of this call"}) {
		t.Fatalf("marks %q", marks)
	}
	if !slices.ContainsFunc(h.Texts(), func(s string) bool {
		return strings.HasPrefix(s, "Outgoing · sip:1@pbx") && strings.HasSuffix(s, "· recorded")
	}) {
		t.Fatalf("details: %q", h.Texts())
	}
	if h.HasPrefix("Recording: ") {
		t.Fatal("the path shows before asking")
	}

	h.ClickPrefix("Recorded: show the recording of this call")
	if !h.HasPrefix("Recording: " + recording) {
		t.Fatalf("no path: %q", h.Texts())
	}
	h.ClickPrefix("Open the folder of the recording")
	if !slices.Equal(opened, []string{recordingIn}) {
		t.Fatalf("opened %q", opened)
	}
	h.ClickPrefix("Copy the recording's path")
	if mime, data, ok := h.Router.WriteClipboard(); !ok || string(data) != recording {
		t.Fatalf("clipboard %q %q %v", mime, data, ok)
	}
	// The call back still works from the row, and no call was placed by
	// the recording's buttons.
	if got := h.phone.Commands(); len(got) != 0 {
		t.Fatalf("commands %q", got)
	}
	h.page.OpenFolder = func(string) error { return errors.New("no file manager") }
	h.ClickPrefix("Open the folder of the recording")
	if len(h.Errs) != 1 || !strings.Contains(h.Errs[0], "no file manager") {
		t.Fatalf("errors %q", h.Errs)
	}
	h.ClickPrefix("Recorded: hide the recording's place")
	if h.HasPrefix("Recording: ") {
		t.Fatal("the path still shows")
	}
}

// TestHistoryRecordingWrittenLater: the recording's path the journal
// adds to an entry after the call (when the file is finished) shows.
func TestHistoryRecordingWrittenLater(t *testing.T) {
	rec := guitest.NewRecords()
	c := core.HistoryEntry{CallID: "rec-1", Direction: "outgoing", State: "ended", RemoteURI: "sip:bob@pbx",
		Started: testNow.Add(-time.Minute), Answered: testNow.Add(-50 * time.Second), Ended: testNow}
	rec.AddCall(c)
	h := newHarnessOver(t, rec)
	if _, ok := h.FindPrefix("Recorded"); ok {
		t.Fatal("a recording mark before the recording")
	}
	if err := rec.SetRecording("rec-1", "/tmp/rec/one.wav"); err != nil {
		t.Fatal(err)
	}
	h.Frame()
	h.ClickPrefix("Recorded: show the recording of this call")
	if !h.HasPrefix("Recording: /tmp/rec/one.wav") {
		t.Fatalf("%q", h.Texts())
	}
}

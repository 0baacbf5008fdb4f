package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// TestRecordingSinceFollowsTheFile: Info.RecordingSince is when the file
// started, on every call it records. A call recorded before a merge lends
// its start to the call that joins it; the call split off loses it, the
// one left keeps it; stopping clears it. Between copies of our phone,
// direct calls.
func TestRecordingSinceFollowsTheFile(t *testing.T) {
	hub := startRatePhone(t, directConfig+fmt.Sprintf("\n[audio]\nrecord_dir = %q\n", t.TempDir()), 440, []string{"pcmu"})
	a := startRatePhone(t, directConfig, 1000, []string{"pcmu"})
	b := startRatePhone(t, directConfig, 1700, []string{"pcmu"})
	idA, _ := connectDirect(t, hub, a)
	if i, _ := callInfo(hub.Engine, idA); !i.RecordingSince.IsZero() {
		t.Fatalf("recording since %v before any recording", i.RecordingSince)
	}

	before := time.Now()
	path, err := hub.StartRecording(idA)
	after := time.Now()
	if err != nil {
		t.Fatal(err)
	}
	i := waitInfo(t, hub.Engine, idA, time.Second, "recording", func(i call.Info) bool { return i.Recording == path })
	since := i.RecordingSince
	if since.Before(before) || since.After(after) {
		t.Fatalf("recording since %v, want between %v and %v", since, before, after)
	}
	js, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"recording_since":"`) {
		t.Errorf("JSON of a recorded call has no recording_since: %s", js)
	}

	// B joins later: the conference's file is A's, started before B.
	if err := hub.Hold(context.Background(), idA); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // so that B's own start would differ
	idB, _ := connectDirect(t, hub, b)
	if _, err := hub.Merge(context.Background(), idA, idB); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		i := waitInfo(t, hub.Engine, id, 2*time.Second, "recorded in the conference", func(i call.Info) bool {
			return i.Conference != "" && i.Recording == path
		})
		if !i.RecordingSince.Equal(since) {
			t.Errorf("%s in the conference: recording since %v, want the file's start %v", id, i.RecordingSince, since)
		}
	}

	// B split off: no longer recorded. A, left alone, goes on with the
	// same file and the same start.
	if err := hub.Split(context.Background(), idB); err != nil {
		t.Fatal(err)
	}
	ib := waitInfo(t, hub.Engine, idB, 3*time.Second, "split off", func(i call.Info) bool { return i.Conference == "" })
	if ib.Recording != "" || !ib.RecordingSince.IsZero() {
		t.Errorf("B after the split: recording %q since %v, want none", ib.Recording, ib.RecordingSince)
	}
	ia := waitInfo(t, hub.Engine, idA, 3*time.Second, "out of the ended conference", func(i call.Info) bool { return i.Conference == "" })
	if ia.Recording != path || !ia.RecordingSince.Equal(since) {
		t.Errorf("A after the conference: recording %q since %v, want %q since %v", ia.Recording, ia.RecordingSince, path, since)
	}

	if err := hub.StopRecording(idA); err != nil {
		t.Fatal(err)
	}
	i = waitInfo(t, hub.Engine, idA, time.Second, "not recording", func(i call.Info) bool { return i.Recording == "" })
	if !i.RecordingSince.IsZero() {
		t.Errorf("after StopRecording: recording since %v, want zero", i.RecordingSince)
	}
	if js, _ := json.Marshal(i); strings.Contains(string(js), "recording_since") {
		t.Errorf("JSON of a call not recorded has recording_since: %s", js)
	}
	for _, id := range []string{idA, idB} {
		if err := hub.Hangup(id); err != nil {
			t.Fatal(err)
		}
	}
}

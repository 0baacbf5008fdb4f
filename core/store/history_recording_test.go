package store

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/call"
)

// TestHistoryKeepsRecording: the call's recording file is stored while it
// records and stays once stopped (Info.Recording back to "") and after the
// end; a second recording of the same call replaces it. History, CallByID
// and the JSON of `softphone history --json` carry it.
func TestHistoryKeepsRecording(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	var infos []call.Info
	m := call.New("rec1", call.Outgoing, "work", call.Party{URI: "sip:bob@pbx"}, func(i call.Info) { infos = append(infos, i) }, nil)
	record := func() {
		for _, i := range infos {
			if err := s.RecordCall(ctx, i); err != nil {
				t.Fatal(err)
			}
		}
		infos = nil
	}
	get := func() Call {
		t.Helper()
		c, err := s.CallByCallID(ctx, "rec1")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	m.Answered("pcmu")
	record()
	if c := get(); c.Recording != "" {
		t.Fatalf("recording %q before any", c.Recording)
	}
	m.Update(func(i *call.Info) { i.Recording = "/rec/first.wav" })
	record()
	if c := get(); c.Recording != "/rec/first.wav" {
		t.Fatalf("while recording: %q", c.Recording)
	}
	m.Update(func(i *call.Info) { i.Recording = "" }) // stopped
	record()
	if c := get(); c.Recording != "/rec/first.wav" {
		t.Fatalf("after stop: %q, want the file kept", c.Recording)
	}
	m.Update(func(i *call.Info) { i.Recording = "/rec/second.wav" })
	m.End("hung up", 0)
	record()
	c := get()
	if c.Recording != "/rec/second.wav" {
		t.Fatalf("after a second recording and the end: %q", c.Recording)
	}
	page, err := s.History(ctx, HistoryQuery{})
	if err != nil || len(page) != 1 || page[0].Recording != "/rec/second.wav" {
		t.Fatalf("history %+v %v", page, err)
	}
	b, err := json.Marshal(c)
	if err != nil || !strings.Contains(string(b), `"recording":"/rec/second.wav"`) {
		t.Fatalf("JSON %s %v", b, err)
	}
	if err := s.RecordCall(ctx, call.Info{ID: "plain", Direction: call.Inbound, State: call.Ended, Remote: call.Party{URI: "sip:x@y"}}); err != nil {
		t.Fatal(err)
	}
	plain, err := s.CallByCallID(ctx, "plain")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(plain); strings.Contains(string(b), "recording") {
		t.Errorf("a call never recorded shows a recording: %s", b)
	}
}

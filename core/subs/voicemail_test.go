package subs

import (
	"testing"

	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// An unsolicited message-summary NOTIFY reaches the account it names,
// once per change; other mailboxes, other bodies and an account with the
// indication off get the answer the server expects.
func TestUnsolicitedMWI(t *testing.T) {
	m, bus, _ := testManager(t, false,
		Line{Name: "a", From: sip.Target{Username: "alice", Domain: "pbx.example"}, Voicemail: "*97", MWI: true},
		Line{Name: "quiet", From: sip.Target{Username: "carol", Domain: "pbx.example"}})
	const summary = "Messages-Waiting: yes\r\nVoice-Message: 2/5 (1/0)\r\n"
	for _, c := range []struct {
		n    sip.MWINotify
		code int
	}{
		{sip.MWINotify{User: "nobody", ContentType: "application/simple-message-summary", Body: []byte(summary)}, 404},
		{sip.MWINotify{User: "carol", ContentType: "application/simple-message-summary", Body: []byte(summary)}, 200},
		{sip.MWINotify{User: "alice", ContentType: "text/plain", Body: []byte(summary)}, 415},
		{sip.MWINotify{User: "alice", ContentType: "application/simple-message-summary", Body: []byte("Voice-Message: x")}, 400},
	} {
		if code, _ := m.onUnsolicitedMWI(c.n); code != c.code {
			t.Errorf("%+v answered %d, want %d", c.n, code, c.code)
		}
	}
	if v := bus.State().Version; v != 0 {
		t.Fatalf("refused or ignored NOTIFYs published %d events", v)
	}

	n := sip.MWINotify{ToUser: "Alice", ContentType: "application/simple-message-summary; charset=x", Body: []byte(summary)}
	if code, _ := m.onUnsolicitedMWI(n); code != 200 {
		t.Fatalf("answered %d", code)
	}
	want := []state.VoicemailStatus{{Account: "a", Waiting: true, New: 2, Old: 5, Urgent: 1, Number: "*97"}, {Account: "quiet"}}
	s := bus.State()
	if len(s.Voicemail) != 2 || s.Voicemail[0] != want[0] || s.Voicemail[1] != want[1] {
		t.Fatalf("voicemail %+v, want %+v", s.Voicemail, want)
	}
	m.onUnsolicitedMWI(n)
	if got := bus.State().Version; got != s.Version {
		t.Errorf("the same summary again published %d events", got-s.Version)
	}
}

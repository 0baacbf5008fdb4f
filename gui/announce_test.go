package gui

import (
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

type recordingNotifier struct{ got []string }

func (r *recordingNotifier) Notify(title, body string) error {
	r.got = append(r.got, title+": "+body)
	return nil
}

func TestAnnounceIncomingOnlyInBackground(t *testing.T) {
	incoming := core.CallEvent{Info: call.Info{ID: "c1", State: call.Incoming, Account: "office",
		Remote: call.Party{DisplayName: "Carol", URI: "sip:carol@example.com"}}}
	connected := core.CallEvent{Info: call.Info{ID: "c1", State: call.Connected}}
	n := &recordingNotifier{}
	announce(incoming, true, n)   // window focused: it shows the call itself
	announce(connected, false, n) // not an incoming call
	announce(incoming, false, n)
	announce(incoming, false, nil) // no notifier: nothing to do, no panic
	if len(n.got) != 1 || n.got[0] != "Incoming call: Carol (to office)" {
		t.Fatalf("notifications %q", n.got)
	}
}

// TestAnnounceNamesTheCaller: the notification names the contact the
// phone found, else the display name, else the address.
func TestAnnounceNamesTheCaller(t *testing.T) {
	for _, c := range []struct {
		info call.Info
		want string
	}{
		{call.Info{Contact: "Carol Smith", Remote: call.Party{DisplayName: "PBX 3", URI: "sip:carol@example.com"}}, "Carol Smith"},
		{call.Info{Remote: call.Party{DisplayName: "PBX 3", URI: "sip:carol@example.com"}}, "PBX 3"},
		{call.Info{Remote: call.Party{URI: "sip:carol@example.com"}}, "sip:carol@example.com"},
	} {
		n := &recordingNotifier{}
		c.info.ID, c.info.State = "c1", call.Incoming
		announce(core.CallEvent{Info: c.info}, false, n)
		if len(n.got) != 1 || n.got[0] != "Incoming call: "+c.want {
			t.Errorf("%+v: notifications %q, want %q", c.info, n.got, c.want)
		}
	}
}

package accounts

import (
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/config"
)

func TestCallHandlingSaved(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.Click("Do not disturb")
	h.Click("Answer automatically")
	h.Click("Message waiting notifications") // on by default: off now
	h.TypeInto("Forward when busy to", " sip:desk@pbx.lan ")
	h.TypeInto("Forward calls not answered to", "1009")
	h.TypeInto("No-answer delay", "15")
	h.TypeInto("Voicemail number", "*97")
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 1 {
		t.Fatalf("UpdateAccounts calls = %d (errors %q)", len(p.SavedAccounts()), h.Errs)
	}
	w := home()
	w.Features = config.Features{DND: true, AutoAnswer: true, NoMWI: true, ForwardBusy: "sip:desk@pbx.lan",
		ForwardNoAnswer: "1009", ForwardNoAnswerAfter: 15, Voicemail: "*97"}
	if got := p.SavedAccounts()[0]; !slices.EqualFunc(got, []config.Account{office(), w, lab()}, config.Account.Equal) {
		t.Errorf("saved %#v", got[1])
	}
}

func TestCallHandlingShown(t *testing.T) {
	p := setupPhone()
	o := office()
	o.Features = config.Features{BusyWhenInCall: true, Presence: true, ForwardAlways: "1002", ForwardNoAnswerAfter: 30, NoMWI: true}
	p.Cfg.Accounts[0] = o
	h := newHarness(t, p)
	h.Click("Edit account office")
	for desc, want := range map[string]bool{
		"Do not disturb": false, "Busy when in a call": true, "Answer automatically": false,
		"Answer when the caller asks": false, "Message waiting notifications": false, "Publish my presence": true,
	} {
		if d := h.Must(desc); d.Selected != want {
			t.Errorf("%s: on = %v, want %v", desc, d.Selected, want)
		}
	}
	if got := h.page.ed.f[fFwdAlways].ed.Text(); got != "1002" {
		t.Errorf("forward always %q", got)
	}
	if got := h.page.ed.f[fFwdAfter].ed.Text(); got != "30" {
		t.Errorf("no-answer delay %q", got)
	}
	// Saving unchanged keeps every feature as it was.
	h.Click("Save the account")
	if got := p.SavedAccounts(); len(got) != 1 || !got[0][0].Equal(o) {
		t.Errorf("saved %#v, want %#v", got, o)
	}
}

func TestBadForwardingTargetBlocksSave(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.TypeInto("Forward all calls to", "bob smith")
	n, ok := h.FindPrefix("Forward all calls to: ")
	if !ok || !strings.Contains(n.Description, "without spaces") {
		t.Fatalf("no message under the forwarding field; have %q", h.Descriptions())
	}
	if !h.Must("Save the account").Disabled {
		t.Error("Save enabled with a bad forwarding target")
	}
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 0 {
		t.Fatal("saved with a bad forwarding target")
	}
	// A field with a message is described with it.
	h.TypeInto(n.Description, "sip:bob@example.com")
	if _, ok := h.FindPrefix("Forward all calls to: "); ok {
		t.Error("the message stayed after the fix")
	}
	h.TypeInto("No-answer delay", "700")
	if n, ok := h.FindPrefix("No-answer delay: "); !ok || !strings.Contains(n.Description, "between 1 and 600") {
		t.Errorf("no message under the delay; have %q", h.Descriptions())
	}
	if !h.Must("Save the account").Disabled {
		t.Error("Save enabled with a bad delay")
	}
	h.TypeInto(mustPrefix(t, h, "No-answer delay: "), "")
	if h.Must("Save the account").Disabled {
		t.Errorf("Save stays disabled once fixed; have %q", h.Descriptions())
	}
	h.Click("Save the account")
	if got := p.SavedAccounts(); len(got) != 1 || got[0][1].ForwardAlways != "sip:bob@example.com" || got[0][1].ForwardNoAnswerAfter != 0 {
		t.Errorf("saved %v", got)
	}
}

// mustPrefix is the description starting with s.
func mustPrefix(t *testing.T, h *harness, s string) string {
	t.Helper()
	n, ok := h.FindPrefix(s)
	if !ok {
		t.Fatalf("nothing described %q...", s)
	}
	return n.Description
}

func TestServerErrorUnderCallHandlingField(t *testing.T) {
	p := setupPhone()
	p.Fail["UpdateAccounts"] = config.Errors{{Field: "account[2].voicemail", Msg: "unknown feature code"}}
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.TypeInto("Voicemail number", "*98")
	h.Click("Save the account")
	if _, ok := h.Find("Voicemail number: unknown feature code"); !ok {
		t.Errorf("the save error is not under the voicemail field; have %q", h.Descriptions())
	}
}

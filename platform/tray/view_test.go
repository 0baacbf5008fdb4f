package tray

import (
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

func status(name string, st account.State) account.Status {
	return account.Status{Account: name, State: st}
}

func TestViewOf(t *testing.T) {
	bob := call.Info{ID: "c1", Direction: call.Inbound, State: call.Incoming,
		Remote: call.Party{DisplayName: "Bob Builder", URI: "sip:bob@example.org"}}
	dnd := config.Config{Accounts: []config.Account{{Name: "alice", Enabled: true}}}
	dnd.Accounts[0].DND = true
	tests := []struct {
		name string
		s    core.State
		want View
	}{
		{"no account", core.State{}, View{Icon: IconOffline, Tooltip: "Softphone — no account"}},
		{"registered", core.State{Accounts: []account.Status{status("alice", account.Registered)}},
			View{Icon: IconRegistered, Tooltip: "Softphone — alice: registered"}},
		{"registering", core.State{Accounts: []account.Status{status("alice", account.Registering)}},
			View{Icon: IconOffline, Tooltip: "Softphone — alice: registering"}},
		{"one of two failing", core.State{Accounts: []account.Status{status("alice", account.Registered), status("work", account.Failed)}},
			View{Icon: IconOffline, Tooltip: "Softphone — alice: registered, work: failed"}},
		{"do not disturb", core.State{Config: dnd, Accounts: []account.Status{status("alice", account.Registered)}},
			View{Icon: IconRegistered, DND: true, Tooltip: "Softphone — alice: registered (do not disturb)"}},
		{"ringing", core.State{Accounts: []account.Status{status("alice", account.Registered)}, Calls: []call.Info{bob}},
			View{Icon: IconRinging, Call: "c1", Tooltip: "Incoming call from Bob Builder", Answer: "Answer Bob Builder"}},
		{"ringing, contact name first", core.State{Calls: []call.Info{func() call.Info { c := bob; c.Contact = "Bob (site)"; return c }()}},
			View{Icon: IconRinging, Call: "c1", Tooltip: "Incoming call from Bob (site)", Answer: "Answer Bob (site)"}},
		{"ringing, address only", core.State{Calls: []call.Info{{ID: "c2", State: call.Incoming, Remote: call.Party{URI: "sip:1000@pbx"}}}},
			View{Icon: IconRinging, Call: "c2", Tooltip: "Incoming call from sip:1000@pbx", Answer: "Answer sip:1000@pbx"}},
		{"connected call does not ring", core.State{Accounts: []account.Status{status("alice", account.Registered)},
			Calls: []call.Info{func() call.Info { c := bob; c.State = call.Connected; return c }()}},
			View{Icon: IconRegistered, Tooltip: "Softphone — alice: registered"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ViewOf(tt.s); got != tt.want {
				t.Errorf("ViewOf = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

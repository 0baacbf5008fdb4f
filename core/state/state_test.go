package state

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

func callAt(id string, st call.State, at time.Time) CallEvent {
	return CallEvent{Info: call.Info{ID: id, State: st, Started: at}}
}

func ids(s State) string {
	var out []string
	for _, c := range s.Calls {
		out = append(out, c.ID)
	}
	return strings.Join(out, ",")
}

func TestCallsOrderedByStart(t *testing.T) {
	b := NewBus(State{})
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	// Published out of start order, and updated in between: the list stays
	// in start order (ties broken by id), whatever the event order.
	b.Publish(callAt("c", call.Dialing, t0.Add(2*time.Second)))
	b.Publish(callAt("a", call.Incoming, t0))
	b.Publish(callAt("b2", call.Dialing, t0.Add(time.Second)))
	b.Publish(callAt("b1", call.Dialing, t0.Add(time.Second)))
	if got := ids(b.State()); got != "a,b1,b2,c" {
		t.Fatalf("order %s, want a,b1,b2,c", got)
	}
	b.Publish(callAt("a", call.Connected, t0))
	b.Publish(callAt("b1", call.Held, t0.Add(time.Second)))
	if got := ids(b.State()); got != "a,b1,b2,c" {
		t.Fatalf("order after updates %s", got)
	}
	if c, _ := b.State().Call("b1"); c.State != call.Held {
		t.Fatalf("b1 state %v, want held", c.State)
	}
	b.Publish(callAt("b1", call.Ended, t0.Add(time.Second)))
	if got := ids(b.State()); got != "a,b2,c" {
		t.Fatalf("order after end %s", got)
	}
}

func TestVersionsFollowEvents(t *testing.T) {
	b := NewBus(State{})
	events, cancel := b.Subscribe()
	defer cancel()
	before := b.State()
	b.Publish(ListeningEvent{Addr: "127.0.0.1:5060"})
	b.Publish(callAt("x", call.Dialing, time.Now()))
	for want := uint64(1); want <= 2; want++ {
		e := <-events
		if e.Version() != want {
			t.Fatalf("event %s has version %d, want %d", e.Kind(), e.Version(), want)
		}
	}
	s := b.State()
	if s.Version != 2 || s.Listen != "127.0.0.1:5060" || len(s.Calls) != 1 {
		t.Fatalf("state %+v", s)
	}
	// An old read is a moment, not a view: later events do not change it.
	if before.Version != 0 || len(before.Calls) != 0 || before.Listen != "" {
		t.Fatalf("earlier state changed: %+v", before)
	}
}

func TestOldStateUnchangedByLaterEvents(t *testing.T) {
	b := NewBus(Seed(config.Config{Accounts: []config.Account{{Name: "a", Enabled: true}}}, []string{"a"}))
	b.Publish(callAt("x", call.Dialing, time.Now()))
	b.Publish(BLFEvent{URI: "sip:1@x", State: BLFBusy}) // not watched: ignored
	b.Publish(WatchEvent{URIs: []string{"sip:1@x"}})
	s1 := b.State()
	b.Publish(callAt("x", call.Connected, time.Now()))
	b.Publish(BLFEvent{URI: "sip:1@x", State: BLFBusy})
	b.Publish(RegistrationEvent{Status: account.Status{Account: "a", State: account.Registered}})
	b.Publish(VoicemailEvent{VoicemailStatus: VoicemailStatus{Account: "a", Waiting: true, New: 2}})
	if s1.Calls[0].State != call.Dialing || s1.Lamps["sip:1@x"] != BLFUnknown || s1.Accounts[0].State != account.Unregistered || s1.Voicemail[0].New != 0 {
		t.Fatalf("earlier state was written to: %+v", s1)
	}
	s2 := b.State()
	if s2.Calls[0].State != call.Connected || s2.Lamps["sip:1@x"] != BLFBusy || s2.Accounts[0].State != account.Registered || s2.Voicemail[0].New != 2 {
		t.Fatalf("state after events: %+v", s2)
	}
	b.Publish(WatchEvent{})
	if len(b.State().Lamps) != 0 {
		t.Fatalf("lamps after the watch set emptied: %v", b.State().Lamps)
	}
}

func TestQualityFollowsStatsAndCall(t *testing.T) {
	b := NewBus(State{})
	b.Publish(CallStatsEvent{CallID: "gone"}) // no such call: not kept
	b.Publish(callAt("x", call.Connected, time.Now()))
	ev := CallStatsEvent{CallID: "x"}
	ev.Stats.PacketsReceived = 50
	b.Publish(ev)
	if q, _ := b.State().Quality.Get("x"); q.PacketsReceived != 50 {
		t.Fatalf("quality %+v", q)
	}
	if _, ok := b.State().Quality.Get("gone"); ok {
		t.Fatal("quality kept for a call not listed")
	}
	b.Publish(callAt("x", call.Ended, time.Now()))
	if b.State().Quality.Len() != 0 {
		t.Fatal("quality outlives its call")
	}
}

func TestConfigEventKeepsRegistrations(t *testing.T) {
	cfg := config.Config{Accounts: []config.Account{{Name: "a", Enabled: true}, {Name: "b", Enabled: true}}}
	b := NewBus(Seed(cfg, []string{"a", "b"}))
	b.Publish(RegistrationEvent{Status: account.Status{Account: "b", State: account.Registered}})
	next := config.Config{Accounts: []config.Account{{Name: "b", Enabled: true, Features: config.Features{DND: true}}, {Name: "c", Enabled: true}, {Name: "d"}}}
	b.Publish(ConfigEvent{Config: next, What: "accounts"})
	s := b.State()
	if len(s.Accounts) != 2 || s.Accounts[0].Account != "b" || s.Accounts[0].State != account.Registered || s.Accounts[1].Account != "c" {
		t.Fatalf("accounts %+v", s.Accounts)
	}
	if s.DND() {
		t.Fatal("DND on, but account c has it off")
	}
	next.Accounts[1].DND = true
	b.Publish(ConfigEvent{Config: next, What: "accounts"})
	if !b.State().DND() {
		t.Fatal("DND off, but every enabled account has it on")
	}
}

func TestJSONCarriesVersion(t *testing.T) {
	b := NewBus(State{})
	events, cancel := b.Subscribe()
	defer cancel()
	b.Publish(DTMFEvent{CallID: "x", Digit: "5", Via: "rtp"})
	out, err := json.Marshal(<-events)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"event":"dtmf","call":"x","digit":"5","via":"rtp","version":1}` {
		t.Fatalf("json %s", out)
	}
}

func TestQualitiesCopyOnWrite(t *testing.T) {
	var q Qualities
	if _, ok := q.Get("a"); ok || q.Len() != 0 {
		t.Fatal("the zero Qualities holds something")
	}
	var v Quality
	v.PacketsReceived = 1
	old := q.With("a", v)
	v.PacketsReceived = 2
	q = old.With("a", v).With("b", v)
	if got, _ := old.Get("a"); got.PacketsReceived != 1 || old.Len() != 1 {
		t.Errorf("an earlier value changed: a = %d, %d calls", got.PacketsReceived, old.Len())
	}
	if got, _ := q.Get("a"); got.PacketsReceived != 2 || q.Len() != 2 {
		t.Errorf("a = %d, %d calls; want 2, 2", got.PacketsReceived, q.Len())
	}
	// The bus's copies too: a State read before a report keeps its figures.
	b := NewBus(State{})
	b.Publish(callAt("x", call.Connected, time.Now()))
	ev := CallStatsEvent{CallID: "x"}
	ev.Stats.PacketsReceived = 10
	b.Publish(ev)
	before := b.State()
	ev.Stats.PacketsReceived = 20
	b.Publish(ev)
	if got, _ := before.Quality.Get("x"); got.PacketsReceived != 10 {
		t.Errorf("a State read earlier changed: %d", got.PacketsReceived)
	}
	if got, _ := b.State().Quality.Get("x"); got.PacketsReceived != 20 {
		t.Errorf("latest figures %d, want 20", got.PacketsReceived)
	}
}

// BenchmarkStatsEvent is the cost of one call's figures in the read model
// while 800 calls run (each reports every few seconds).
func BenchmarkStatsEvent(b *testing.B) {
	bus := NewBus(State{})
	for i := range 800 {
		id := strconv.Itoa(i)
		bus.Publish(callAt(id, call.Connected, time.Unix(int64(i), 0)))
		bus.Publish(CallStatsEvent{CallID: id})
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bus.Publish(CallStatsEvent{CallID: strconv.Itoa(i % 800)})
		i++
	}
}

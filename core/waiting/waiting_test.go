package waiting

import (
	"slices"
	"sync"
	"testing"

	"github.com/softphone/softphone/core/call"
)

func TestWant(t *testing.T) {
	up := func(id string, st call.State, conf string) call.Info {
		return call.Info{ID: id, State: st, LocalHold: st == call.Held, Conference: conf}
	}
	for _, tc := range []struct {
		name  string
		calls []call.Info
		want  []string
	}{
		{"idle", nil, nil},
		{"one call", []call.Info{up("a", call.Connected, "")}, nil},
		{"ringing alone", []call.Info{up("b", call.Incoming, "")}, nil},
		{"waiting", []call.Info{up("a", call.Connected, ""), up("b", call.Incoming, "")}, []string{"a"}},
		{"held by them still hears", []call.Info{up("a", call.RemoteHeld, ""), up("b", call.Incoming, "")}, []string{"a"}},
		{"held by us", []call.Info{up("a", call.Held, ""), up("b", call.Incoming, "")}, nil},
		{"outgoing ringing", []call.Info{up("a", call.Ringing, ""), up("b", call.Incoming, "")}, nil},
		{"conference once", []call.Info{up("a", call.Connected, "k"), up("c", call.Connected, "k"), up("d", call.Connected, ""), up("b", call.Incoming, "")}, []string{"a", "d"}},
	} {
		got := Want(tc.calls)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// fakeCall records the tone switches it is asked for.
type fakeCall struct {
	m     *call.Machine
	ended bool
	mu    sync.Mutex // guards tones
	tones []bool
	set   chan bool // when not nil, hears each switch
}

func newCall(id string, dir call.Direction) *fakeCall {
	return &fakeCall{m: call.New(id, dir, "", call.Party{URI: "sip:" + id + "@x"}, func(call.Info) {}, nil)}
}

func (c *fakeCall) Machine() *call.Machine { return c.m }
func (c *fakeCall) Ended() bool            { return c.ended }
func (c *fakeCall) SetWaitingTone(on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tones = append(c.tones, on)
	if c.set != nil {
		c.set <- on
	}
}

func (c *fakeCall) switches() []bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.tones)
}

// TestRefreshSwitchesOnChange: the tone goes on when a second call rings,
// is not switched again while nothing changes, goes off when the ringing
// stops, and an ended call is not touched.
func TestRefreshSwitchesOnChange(t *testing.T) {
	a, b := newCall("a", call.Outgoing), newCall("b", call.Inbound)
	if err := a.m.Answered("PCMU"); err != nil {
		t.Fatal(err)
	}
	var tone Tone
	calls := []Call{a, b}
	list := func() []Call { return calls }
	tone.Refresh(list)
	tone.Refresh(list)
	if got := a.switches(); !slices.Equal(got, []bool{true}) {
		t.Fatalf("a ringing second call: switches %v, want [true]", got)
	}
	if got := b.switches(); len(got) != 0 {
		t.Errorf("the ringing call itself was switched: %v", got)
	}
	_ = b.m.End("cancelled", 487)
	calls = []Call{a}
	tone.Refresh(list)
	if got := a.switches(); !slices.Equal(got, []bool{true, false}) {
		t.Errorf("ringing stopped: switches %v, want [true false]", got)
	}

	// The call playing the tone ends: nothing is switched on it.
	c := newCall("c", call.Inbound)
	calls = []Call{a, c}
	tone.Refresh(list)
	a.ended = true
	_ = a.m.End("hung up", 0)
	calls = []Call{c}
	tone.Refresh(list)
	if got := a.switches(); !slices.Equal(got, []bool{true, false, true}) {
		t.Errorf("ended call: switches %v, want [true false true]", got)
	}
}

// TestScheduleRuns: a scheduled refresh runs on its own goroutine.
func TestScheduleRuns(t *testing.T) {
	a, b := newCall("a", call.Outgoing), newCall("b", call.Inbound)
	_ = a.m.Answered("PCMU")
	a.set = make(chan bool, 1)
	var tone Tone
	tone.Schedule(func() []Call { return []Call{a, b} })
	if on := <-a.set; !on {
		t.Error("a scheduled refresh switched the tone off")
	}
}

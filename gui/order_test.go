package gui

import (
	"cmp"
	"context"
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// orderPhone starts a real phone on loopback that takes direct calls; with
// answer it answers every call it gets.
func orderPhone(t *testing.T, answer bool) *core.Engine {
	t.Helper()
	cfg, err := config.Parse("order.toml", []byte("[sip]\nlisten = \"127.0.0.1:0\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	events, cancel := p.Events()
	if err := p.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		ctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		_ = p.Close(ctx)
	})
	if answer {
		go func() {
			for e := range events {
				if ce, ok := e.(core.CallEvent); ok && ce.State == call.Incoming {
					_ = p.Answer(context.Background(), ce.ID)
				}
			}
		}()
	}
	return p
}

// waitConnected waits until hub lists call id as connected.
func waitConnected(t *testing.T, hub core.Phone, id string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if c, ok := hub.State().Call(id); ok && c.State == call.Connected {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("call %s not connected within 5s: %+v", id, hub.State().Calls)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// shownOrder is the calls of the in-call list as the last frame drew
// them, top to bottom: the rows say "NAME, state..." (the one shown) or
// "Switch to NAME, state...", and names are the peers' users.
func shownOrder(h *guitest.Harness, byName map[string]string) []string {
	type row struct {
		id string
		at image.Point
	}
	var rows []row
	for _, n := range h.Nodes() {
		d := strings.TrimPrefix(n.Desc.Description, "Switch to ")
		name, _, ok := strings.Cut(d, ", ")
		if id, known := byName[name]; ok && known {
			rows = append(rows, row{id, n.Desc.Bounds.Min})
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.at.Y, b.at.Y), cmp.Compare(a.at.X, b.at.X))
	})
	var out []string
	for _, r := range rows {
		out = append(out, r.id)
	}
	return out
}

func ids(calls []call.Info) []string {
	out := make([]string, 0, len(calls))
	for _, c := range calls {
		out = append(out, c.ID)
	}
	return out
}

// TestCallOrderCoreWindowScreen places two, then three real calls (SIP
// and RTP on loopback to phones of our own) and, while they are held and
// resumed, reads the order 100 times at each count: in the core's read
// model, in the window's model and on screen (the in-call list). It must
// be the start order every time, everywhere.
func TestCallOrderCoreWindowScreen(t *testing.T) {
	hub := orderPhone(t, false)
	peers := []*core.Engine{orderPhone(t, true), orderPhone(t, true), orderPhone(t, true)}
	root := NewRoot(t.Context(), hub, testTheme(false))
	h := guitest.NewPage(t, hub, testTheme(false), image.Pt(1024, 700), time.Now(),
		func(gtx layout.Context, _ *env.Env) layout.Dimensions { return root.Layout(gtx) })

	byName := map[string]string{}
	var want []string
	ctx := context.Background()
	dial := func(i int) {
		name := string(rune('b' + i))
		id, err := hub.Dial(ctx, "sip:"+name+"@"+peers[i].State().Listen, core.DialOptions{HoldOthers: true})
		if err != nil {
			t.Fatal(err)
		}
		waitConnected(t, hub, id)
		byName[name] = id
		want = append(want, id)
	}
	flip := func(i int) {
		id := want[i%len(want)]
		c, _ := hub.State().Call(id)
		var err error
		if c.State == call.Held {
			err = hub.Resume(ctx, id)
		} else {
			err = hub.Hold(ctx, id)
		}
		if err != nil {
			t.Fatalf("step %d on %s: %v", i, id, err)
		}
	}
	check := func(n int) {
		t.Helper()
		for i := range n {
			flip(i)
			h.Now = time.Now()
			h.Frame()
			core, window, screen := ids(hub.State().Calls), ids(root.Model().Calls), shownOrder(h, byName)
			if !slices.Equal(core, want) || !slices.Equal(window, want) || !slices.Equal(screen, want) {
				t.Fatalf("read %d with %d calls: core %v, window %v, screen %v; want %v (start order)", i, len(want), core, window, screen, want)
			}
		}
	}
	dial(0)
	dial(1)
	check(100)
	dial(2)
	check(100)
}

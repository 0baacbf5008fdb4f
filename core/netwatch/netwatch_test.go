package netwatch

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"
)

// routes is a Router the test rewires.
type routes struct {
	mu sync.Mutex // guards m
	m  map[string]netip.Addr
}

func (r *routes) set(dest, addr string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if addr == "" {
		delete(r.m, dest)
		return
	}
	r.m[dest] = netip.MustParseAddr(addr)
}

func (r *routes) LocalAddr(_ context.Context, dest string) (netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	a, ok := r.m[dest]
	if !ok {
		return netip.Addr{}, errors.New("network is unreachable")
	}
	return a, nil
}

func TestCheckReportsChangesAfterTheBaseline(t *testing.T) {
	r := &routes{m: map[string]netip.Addr{}}
	r.set("reg:5060", "198.18.0.2")
	r.set("other:5060", "198.18.0.2")
	w := New(r, time.Second)
	ctx := context.Background()
	dests := []string{"reg:5060", "other:5060", "reg:5060"}
	if ch := w.Check(ctx, dests); len(ch) != 0 {
		t.Fatalf("baseline reported %v", ch)
	}
	if ch := w.Check(ctx, dests); len(ch) != 0 {
		t.Fatalf("no change reported %v", ch)
	}

	r.set("reg:5060", "198.18.0.3")
	want := []Change{{Dest: "reg:5060", Old: netip.MustParseAddr("198.18.0.2"), New: netip.MustParseAddr("198.18.0.3")}}
	if ch := w.Check(ctx, dests); !slices.Equal(ch, want) {
		t.Fatalf("got %v, want %v", ch, want)
	}
	if ch := w.Check(ctx, dests); len(ch) != 0 {
		t.Fatalf("the same change twice: %v", ch)
	}

	// The route goes, then comes back.
	r.set("reg:5060", "")
	if ch := w.Check(ctx, dests); len(ch) != 1 || ch[0].New.IsValid() || ch[0].Old != netip.MustParseAddr("198.18.0.3") {
		t.Fatalf("route lost: %v", ch)
	}
	r.set("reg:5060", "198.18.0.4")
	if ch := w.Check(ctx, dests); len(ch) != 1 || ch[0].Old.IsValid() || ch[0].New != netip.MustParseAddr("198.18.0.4") {
		t.Fatalf("route back: %v", ch)
	}

	// A destination dropped and given again starts from a new baseline.
	w.Check(ctx, []string{"other:5060"})
	r.set("reg:5060", "198.18.0.5")
	if ch := w.Check(ctx, dests); len(ch) != 0 {
		t.Fatalf("a new destination reported %v", ch)
	}
}

func TestRunGivesEachChange(t *testing.T) {
	r := &routes{m: map[string]netip.Addr{}}
	r.set("reg:5060", "198.18.0.2")
	w := New(r, 5*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan Change, 10)
	done := make(chan struct{})
	checked := make(chan struct{}, 100)
	go func() {
		defer close(done)
		w.Run(ctx, func() []string {
			select {
			case checked <- struct{}{}:
			default:
			}
			return []string{"reg:5060"}
		}, func(c Change) { changes <- c })
	}()
	defer func() { cancel(); <-done }()
	<-checked
	<-checked // a second round: the baseline is taken
	r.set("reg:5060", "198.18.0.3")
	select {
	case c := <-changes:
		if c.New != netip.MustParseAddr("198.18.0.3") || c.Old != netip.MustParseAddr("198.18.0.2") {
			t.Fatalf("change %v", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported")
	}
}

func TestKernelRouterOnLoopback(t *testing.T) {
	a, err := Kernel{}.LocalAddr(context.Background(), "127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	if a != netip.MustParseAddr("127.0.0.1") {
		t.Fatalf("local address toward 127.0.0.1: %v", a)
	}
}

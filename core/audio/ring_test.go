package audio

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func seq(from, n int) []int16 {
	s := make([]int16, n)
	for i := range s {
		s[i] = int16(from + i)
	}
	return s
}

func TestRingOrderAndWrap(t *testing.T) {
	r := NewRing(10)
	out := make([]int16, 0, 100)
	buf := make([]int16, 7)
	for i := 0; i < 70; i += 7 {
		if n, err := r.Write(seq(i, 7)); n != 7 || err != nil {
			t.Fatalf("Write: %d %v", n, err)
		}
		if n, err := r.Read(buf); n != 7 || err != nil {
			t.Fatalf("Read: %d %v", n, err)
		}
		out = append(out, buf...)
	}
	if !slices.Equal(out, seq(0, 70)) {
		t.Fatalf("got %v", out)
	}
}

func TestRingOverwriteDropsOldest(t *testing.T) {
	r := NewRing(8)
	if d := r.Overwrite(seq(0, 6)); d != 0 {
		t.Fatalf("dropped %d", d)
	}
	if d := r.Overwrite(seq(6, 6)); d != 4 {
		t.Fatalf("dropped %d, want 4", d)
	}
	got := make([]int16, 8)
	if _, err := r.Read(got); err != nil || !slices.Equal(got, seq(4, 8)) {
		t.Fatalf("got %v %v, want the newest 8", got, err)
	}
	if d := r.Overwrite(seq(0, 20)); d != 12 {
		t.Fatalf("oversized: dropped %d, want 12", d)
	}
	if _, err := r.Read(got); err != nil || !slices.Equal(got, seq(12, 8)) {
		t.Fatalf("oversized: got %v", got)
	}
}

func TestRingReadAvailablePadsSilence(t *testing.T) {
	r := NewRing(8)
	r.Overwrite(seq(1, 3))
	p := seq(100, 5)
	if n := r.ReadAvailable(p); n != 3 || !slices.Equal(p, []int16{1, 2, 3, 0, 0}) {
		t.Fatalf("got %d %v", n, p)
	}
	if n := r.ReadAvailable(p); n != 0 || !slices.Equal(p, make([]int16, 5)) {
		t.Fatalf("empty: %d %v", n, p)
	}
}

func TestRingBlocksUntilSpaceAndData(t *testing.T) {
	r := NewRing(4)
	got := make(chan []int16)
	go func() {
		p := make([]int16, 12)
		_, _ = r.Read(p) // needs three refills
		got <- p
	}()
	go func() {
		for i := 0; i < 12; i += 4 {
			time.Sleep(5 * time.Millisecond) // the reader blocks between refills
			_, _ = r.Write(seq(i, 4))
		}
	}()
	select {
	case p := <-got:
		if !slices.Equal(p, seq(0, 12)) {
			t.Fatalf("got %v", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Read never completed")
	}

	// A full ring blocks Write until the audio side drains it.
	if _, err := r.Write(seq(0, 4)); err != nil {
		t.Fatal(err)
	}
	wrote := make(chan error)
	go func() { _, err := r.Write(seq(4, 4)); wrote <- err }()
	select {
	case err := <-wrote:
		t.Fatalf("Write into a full ring returned %v", err)
	case <-time.After(30 * time.Millisecond):
	}
	r.ReadAvailable(make([]int16, 4))
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}

func TestRingCloseUnblocks(t *testing.T) {
	r := NewRing(4)
	readErr := make(chan error)
	go func() { _, err := r.Read(make([]int16, 4)); readErr <- err }()
	w := NewRing(1)
	_, _ = w.Write([]int16{1})
	writeErr := make(chan error)
	go func() { _, err := w.Write([]int16{2}); writeErr <- err }()
	time.Sleep(20 * time.Millisecond) // both block first (nothing to observe); closing early passes too
	r.CloseWithError(ErrDeviceLost)
	_ = w.Close()
	for name, c := range map[string]chan error{"Read": readErr, "Write": writeErr} {
		select {
		case err := <-c:
			if err == nil {
				t.Fatalf("%s returned nil after close", name)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s still blocked after close", name)
		}
	}
	if _, err := r.Read(make([]int16, 1)); !errors.Is(err, ErrDeviceLost) {
		t.Fatalf("Read after CloseWithError: %v", err)
	}
	r.CloseWithError(ErrClosed) // first error wins
	if _, err := r.Write(make([]int16, 1)); !errors.Is(err, ErrDeviceLost) {
		t.Fatalf("Write after CloseWithError: %v", err)
	}
}

func TestRingNoAllocs(t *testing.T) {
	r := NewRing(960)
	frame := make([]int16, 480)
	allocs := testing.AllocsPerRun(100, func() {
		r.Overwrite(frame)
		_, _ = r.Read(frame)
		_, _ = r.Write(frame)
		r.ReadAvailable(frame)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per frame", allocs)
	}
}

// TestRingWaitRoom: WaitRoom returns at once while a frame fits, blocks
// while the ring is full until the reader frees a frame, and returns the
// close error.
func TestRingWaitRoom(t *testing.T) {
	r := NewRing(480)
	frame := make([]int16, 160)
	for range 3 {
		if err := r.WaitRoom(160); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	waited := make(chan error, 1)
	go func() { waited <- r.WaitRoom(160) }()
	select {
	case err := <-waited:
		t.Fatalf("WaitRoom on a full ring returned %v at once", err)
	case <-time.After(50 * time.Millisecond):
	}
	r.ReadAvailable(make([]int16, 100)) // not yet a frame's room
	select {
	case err := <-waited:
		t.Fatalf("WaitRoom with 100 samples free returned %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	r.ReadAvailable(make([]int16, 60))
	select {
	case err := <-waited:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("WaitRoom did not return once a frame's room was free")
	}
	if r.Len() != 320 {
		t.Fatalf("ring holds %d samples", r.Len())
	}
	if _, err := r.Write(frame); err != nil { // fills it again
		t.Fatal(err)
	}
	go func() { waited <- r.WaitRoom(160) }()
	r.CloseWithError(ErrDeviceLost)
	if err := <-waited; err != ErrDeviceLost {
		t.Fatalf("WaitRoom after close: %v", err)
	}
}

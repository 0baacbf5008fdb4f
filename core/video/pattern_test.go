package video

import (
	"context"
	"image"
	"testing"
	"time"
)

func TestStampReadsBack(t *testing.T) {
	now := time.Unix(1_700_000_000, 123_000_000)
	p, err := NewTestPattern(Constraints{Width: 352, Height: 288, FPS: 15}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint32{0, 1, 77, 0xDEADBEEF} {
		p.Draw(n, now)
		s, ok := ReadStamp(p.img)
		if !ok || s.Frame != n || s.UnixMsLo != uint32(now.UnixMilli()) {
			t.Fatalf("frame %d: read %+v ok=%v", n, s, ok)
		}
	}
	if got := (Stamp{UnixMsLo: uint32(now.UnixMilli())}).Age(now.Add(40 * time.Millisecond)); got != 40*time.Millisecond {
		t.Fatalf("age %v", got)
	}
}

func TestStampRejectsOtherPictures(t *testing.T) {
	img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = byte(i * 7)
	}
	if s, ok := ReadStamp(img); ok {
		t.Fatalf("noise read as %+v", s)
	}
}

func TestPatternPacesAndMoves(t *testing.T) {
	p, err := NewTestPattern(Constraints{Width: 160, Height: 120, FPS: 50}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f0, _ := p.Read(ctx)
	first := append([]byte(nil), f0.Image.Y...)
	began := time.Now()
	var f Frame
	for range 5 {
		if f, err = p.Read(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(began); el < 80*time.Millisecond {
		t.Fatalf("5 frames at 50 fps took %v", el)
	}
	same := true
	for i := range first {
		if first[i] != f.Image.Y[i] {
			same = false
			break
		}
	}
	if same {
		t.Fatal("the pattern does not move")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := p.Read(cctx); err == nil {
		t.Fatal("read after cancel succeeded")
	}
}

func TestFeedKeepsLatestAndNotifies(t *testing.T) {
	var f Feed
	calls := 0
	f.SetNotify(func() { calls++ })
	a := image.NewYCbCr(image.Rect(0, 0, 4, 4), image.YCbCrSubsampleRatio420)
	a.Y[0], a.Cb[0] = 9, 7
	f.Put(a, time.Unix(5, 0))
	a.Y[0] = 10 // the feed holds its own copy
	f.View(func(img *image.YCbCr, seq uint64, at time.Time) {
		if img == nil || img.Y[0] != 9 || img.Cb[0] != 7 || seq != 1 || !at.Equal(time.Unix(5, 0)) {
			t.Fatalf("view: %v seq %d at %v", img, seq, at)
		}
	})
	f.Put(a, time.Unix(6, 0))
	if s := f.Snapshot(); s == nil || s.Y[0] != 10 {
		t.Fatalf("snapshot %v", s)
	}
	f.Clear()
	if f.Snapshot() != nil || f.Seq() != 3 || calls != 3 {
		t.Fatalf("after clear: seq %d calls %d", f.Seq(), calls)
	}
}

func BenchmarkFeedPut(b *testing.B) {
	var f Feed
	img := image.NewYCbCr(image.Rect(0, 0, 640, 480), image.YCbCrSubsampleRatio420)
	b.ReportAllocs()
	for b.Loop() {
		f.Put(img, time.Time{})
	}
}

func BenchmarkPatternDraw640x480(b *testing.B) {
	p, err := NewTestPattern(Constraints{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	n := uint32(0)
	for b.Loop() {
		p.Draw(n, time.Time{})
		n++
	}
}

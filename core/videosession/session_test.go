package videosession

import (
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/video"
)

// eachCodec runs f once per test codec.
func eachCodec(t *testing.T, f func(t *testing.T, c video.Codec)) {
	for _, c := range testCodecs() {
		t.Run(c.Name, func(t *testing.T) { f(t, c) })
	}
}

func TestFramesFlowBothWaysOverUDP(t *testing.T) {
	eachCodec(t, func(t *testing.T, c video.Codec) {
		lo := netip.MustParseAddr("127.0.0.1")
		ca, err := media.Listen(lo, media.PortRange{})
		if err != nil {
			t.Fatal(err)
		}
		cb, err := media.Listen(lo, media.PortRange{})
		if err != nil {
			ca.Close()
			t.Fatal(err)
		}
		p := newPair(t, c, ca, cb, allFeedback,
			netip.AddrPortFrom(lo, uint16(ca.Port())), netip.AddrPortFrom(lo, uint16(cb.Port())))
		p.a.SetSource(pattern(t, 128, 96))
		p.b.SetSource(pattern(t, 128, 96))
		const want = 45
		waitFor(t, "frames decoded both ways", func() bool {
			return p.a.Stats().FramesDecoded >= want && p.b.Stats().FramesDecoded >= want
		})
		for _, d := range []struct {
			name     string
			from, to *Session
		}{{"a->b", p.a, p.b}, {"b->a", p.b, p.a}} {
			dec, sent := d.to.Stats().FramesDecoded, d.from.Stats().FramesSent
			t.Logf("%s: %d sent, %d decoded", d.name, sent, dec)
			if float64(dec) < 0.8*float64(sent-2) { // two may be in flight
				t.Errorf("%s: %d of %d frames decoded", d.name, dec, sent)
			}
		}
		st := p.b.Stats()
		if st.Width != 128 || st.Height != 96 || st.Codec != c.Name {
			t.Errorf("b's stats: %+v", st)
		}
		img := p.feedB.Snapshot()
		if img == nil {
			t.Fatal("no picture in b's remote feed")
		}
		if _, ok := video.ReadStamp(img); !ok {
			t.Error("the decoded picture carries no readable stamp")
		}
		if p.a.cfg.LocalFeed.Seq() == 0 {
			t.Error("a's preview got no picture")
		}
	})
}

func TestLostPacketIsResent(t *testing.T) {
	eachCodec(t, func(t *testing.T, c video.Codec) {
		tra, trb := memPair()
		loss := loseNth(tra, 40, false)
		p := newPair(t, c, tra, trb, allFeedback, netip.AddrPort{}, netip.AddrPort{})
		// However slow the machine, the resend is waited for.
		p.b.gapWaitFor.Store(int64(time.Minute))
		p.a.SetSource(pattern(t, 128, 96))
		waitFor(t, "the loss", func() bool { return loss.dropped() > 0 })
		sentThen := p.a.Stats().FramesSent
		waitFor(t, "frames after the loss", func() bool { return p.b.Stats().FramesDecoded >= sentThen+20 })
		a, b := p.a.Stats(), p.b.Stats()
		if b.NACKsSent == 0 || a.NACKsReceived == 0 || a.Retransmitted == 0 {
			t.Errorf("no NACK and resend: a %+v, b %+v", a, b)
		}
		if b.FramesDropped != 0 || b.KeyframesRequested != 0 || p.obsB.decErrors.Load() != 0 {
			t.Errorf("the loss cost frames: dropped %d, key frames requested %d", b.FramesDropped, b.KeyframesRequested)
		}
		if b.PacketsLost != 0 {
			t.Errorf("packets lost %d, want 0 (resent)", b.PacketsLost)
		}
	})
}

func TestUnrecoverableLossRecoversWithKeyFrame(t *testing.T) {
	for _, v := range []struct {
		name     string
		fb       Feedback
		interval time.Duration
	}{
		{"nack", Feedback{NACK: true, PLI: true}, 0},
		{"pli-only", Feedback{PLI: true}, 0},
		{"no-feedback", Feedback{}, 300 * time.Millisecond}, // periodic key frames
	} {
		t.Run(v.name, func(t *testing.T) {
			eachCodec(t, func(t *testing.T, c video.Codec) {
				tra, trb := memPair()
				loss := loseNth(tra, 40, true)
				p := newPair(t, c, tra, trb, v.fb, netip.AddrPort{}, netip.AddrPort{})
				p.a.cfg.KeyFrameInterval = v.interval
				p.a.SetSource(pattern(t, 128, 96))
				waitFor(t, "the loss", func() bool { return loss.dropped() > 0 })
				at := p.b.Stats().FramesDecoded
				if v.fb.PLI {
					waitFor(t, "a key frame request", func() bool { return p.b.Stats().KeyframesRequested > 0 })
				}
				waitFor(t, "decoding again", func() bool { return p.b.Stats().FramesDecoded >= at+10 })
				a, b := p.a.Stats(), p.b.Stats()
				t.Logf("frames held back until the key frame: %d", b.FramesDropped)
				if v.fb.PLI && (a.KeyRequestsReceived == 0 || p.obsA.forced.Load() == 0) {
					t.Errorf("a got %d key requests, forced %d key frames", a.KeyRequestsReceived, p.obsA.forced.Load())
				}
				if b.PacketsLost == 0 {
					t.Error("the lost packet is not counted lost")
				}
				if n := p.obsB.decErrors.Load(); n != 0 {
					t.Errorf("the decoder was given %d frames it could not decode", n)
				}
			})
		})
	}
}

func TestKeyFrameRequestForcesKeyFrame(t *testing.T) {
	for _, fb := range []Feedback{{PLI: true}, {FIR: true}} {
		name := "pli"
		if fb.FIR {
			name = "fir"
		}
		t.Run(name, func(t *testing.T) {
			eachCodec(t, func(t *testing.T, c video.Codec) {
				tra, trb := memPair()
				p := newPair(t, c, tra, trb, fb, netip.AddrPort{}, netip.AddrPort{})
				p.a.SetSource(pattern(t, 128, 96))
				waitFor(t, "frames", func() bool { return p.b.Stats().FramesDecoded >= 5 })
				keys := p.a.Stats().KeyframesSent
				p.b.RequestKeyFrame()
				waitFor(t, "a forced key frame", func() bool { return p.obsA.forced.Load() > 0 })
				waitFor(t, "a key frame sent", func() bool { return p.a.Stats().KeyframesSent > keys })
				if n := p.b.Stats().KeyframesRequested; n != 1 {
					t.Errorf("b requested %d key frames, want 1", n)
				}
				if n := p.a.Stats().KeyRequestsReceived; n != 1 {
					t.Errorf("a got %d key frame requests, want 1", n)
				}
			})
		})
	}
}

func TestSetSourceNilStopsAndNewSourceResumes(t *testing.T) {
	eachCodec(t, func(t *testing.T, c video.Codec) {
		tra, trb := memPair()
		p := newPair(t, c, tra, trb, allFeedback, netip.AddrPort{}, netip.AddrPort{})
		first := track(pattern(t, 128, 96))
		p.a.SetSource(first)
		waitFor(t, "frames", func() bool { return p.b.Stats().FramesDecoded >= 5 })
		p.a.SetSource(nil)
		if !first.closed.Load() {
			t.Error("the replaced source was not closed")
		}
		if p.a.cfg.LocalFeed.Snapshot() != nil {
			t.Error("the preview still shows a picture with the camera off")
		}
		sent := p.a.Stats().FramesSent
		// Let b send a couple of reports' worth of its own frames: a
		// stopped sender sends nothing in the meantime.
		p.b.SetSource(pattern(t, 128, 96))
		waitFor(t, "b's frames", func() bool { return p.a.Stats().FramesDecoded >= 10 })
		if got := p.a.Stats().FramesSent; got != sent {
			t.Errorf("a sent %d frames after SetSource(nil)", got-sent)
		}
		dec := p.b.Stats().FramesDecoded
		p.a.SetSource(pattern(t, 128, 96))
		waitFor(t, "frames again", func() bool { return p.b.Stats().FramesDecoded >= dec+5 })
	})
}

func TestSizeChangeReopensEncoder(t *testing.T) {
	eachCodec(t, func(t *testing.T, c video.Codec) {
		tra, trb := memPair()
		p := newPair(t, c, tra, trb, allFeedback, netip.AddrPort{}, netip.AddrPort{})
		p.a.SetSource(pattern(t, 128, 96))
		waitFor(t, "frames", func() bool { return p.b.Stats().Width == 128 })
		p.a.SetSource(pattern(t, 160, 120))
		waitFor(t, "the new size at b", func() bool {
			st := p.b.Stats()
			return st.Width == 160 && st.Height == 120
		})
		if n := p.obsA.encoders.Load(); n != 2 {
			t.Errorf("%d encoders opened, want 2", n)
		}
		if st := p.a.Stats(); st.SendWidth != 160 || st.SendHeight != 120 {
			t.Errorf("a sends %dx%d", st.SendWidth, st.SendHeight)
		}
	})
}

func TestHighLossLowersBitrate(t *testing.T) {
	// No session at the far end: the only reports are the test's.
	tra, trb := memPair()
	defer trb.Close()
	codec, obs := observe(fakeCodec("VP8"))
	s, err := New(tra, Config{Codec: codec, SendPT: 96, RecvPT: 96, Feedback: allFeedback})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	p := &pair{a: s, obsA: obs}
	p.a.SetSource(pattern(t, 128, 96))
	waitFor(t, "frames", func() bool { return p.a.Stats().FramesSent >= 3 })
	start := p.obsA.bitrate.Load()
	rr, err := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 1, Reports: []rtcp.ReceptionReport{
		{SSRC: p.a.ssrc, FractionLost: 64}}}}) // 25 %
	if err != nil {
		t.Fatal(err)
	}
	tra.inject(rr)
	waitFor(t, "a lower bit rate at the encoder", func() bool { return p.obsA.bitrate.Load() < start })
	got := p.obsA.bitrate.Load()
	if want := start * 85 / 100; got != want {
		t.Errorf("bit rate %d after 25%% loss from %d, want %d", got, start, want)
	}
	if st := p.a.Stats(); st.RemoteFractionLost != 0.25 || st.Bitrate != int(got) {
		t.Errorf("stats %+v", st)
	}
	remb, err := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverEstimatedMaximumBitrate{Bitrate: 200_000, SSRCs: []uint32{p.a.ssrc}}})
	if err != nil {
		t.Fatal(err)
	}
	tra.inject(remb)
	waitFor(t, "the REMB cap at the encoder", func() bool { return p.obsA.bitrate.Load() <= 200_000 })
}

func TestCloseWithBlockedLoops(t *testing.T) {
	before := runtime.NumGoroutine()
	tra, trb := memPair()
	defer trb.Close()
	s, err := New(tra, Config{Codec: fakeCodec("VP8"), SendPT: 96, RecvPT: 96})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	src := track(blockedSource{})
	s.SetSource(src)
	waitFor(t, "the RTCP reader to block", tra.rtcpRead.Load)
	done := make(chan error)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close hangs")
	}
	select {
	case <-src.returned:
	default:
		t.Error("the source's Read did not return")
	}
	if !src.closed.Load() {
		t.Error("the source was not closed")
	}
	if !tra.closed() {
		t.Error("the transport was not closed")
	}
	waitFor(t, "the goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
	if err := s.Start(); err == nil {
		t.Error("Start after Close succeeded")
	}
	s.SetSource(track(blockedSource{})) // closed at once, no goroutine
}

func TestStatsJSONNames(t *testing.T) {
	b, err := json.Marshal(Stats{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"codec"`, `"frames_sent"`, `"frames_received"`, `"frames_decoded"`,
		`"keyframes_requested"`, `"width"`, `"height"`, `"fps"`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("no %s in %s", k, b)
		}
	}
}

func TestSetDirectionHoldsSending(t *testing.T) {
	tra, trb := memPair()
	p := newPair(t, fakeCodec("VP8"), tra, trb, allFeedback, netip.AddrPort{}, netip.AddrPort{})
	p.a.SetSource(pattern(t, 128, 96))
	waitFor(t, "frames", func() bool { return p.b.Stats().FramesDecoded >= 3 })
	preview := p.a.cfg.LocalFeed
	p.a.SetDirection(false, true)
	seq := preview.Seq()
	waitFor(t, "the preview to go on", func() bool { return preview.Seq() >= seq+2 })
	sent := p.a.Stats().FramesSent
	seq = preview.Seq()
	waitFor(t, "the preview to go on", func() bool { return preview.Seq() >= seq+3 })
	if got := p.a.Stats().FramesSent; got != sent {
		t.Errorf("%d frames sent on hold", got-sent)
	}
	keys := p.a.Stats().KeyframesSent
	p.a.SetDirection(true, true)
	waitFor(t, "a key frame on resuming", func() bool { return p.a.Stats().KeyframesSent > keys })
}

// TestRandomLossNeverFeedsGarbage loses 5 % of the packets at random: with
// or without NACK the decoder never gets a frame it cannot decode (the
// picture freezes instead), and pictures keep coming.
func TestRandomLossNeverFeedsGarbage(t *testing.T) {
	if testing.Short() {
		t.Skip("several seconds of video")
	}
	for _, fb := range []Feedback{allFeedback, {PLI: true}} {
		eachCodec(t, func(t *testing.T, c video.Codec) {
			tra, trb := memPair()
			var mu sync.Mutex // guards r
			r := rand.New(rand.NewPCG(5, 6))
			lose := func([]byte) bool {
				mu.Lock()
				defer mu.Unlock()
				return r.Float64() < 0.05
			}
			tra.dropRTP.Store(&lose)
			p := newPair(t, c, tra, trb, fb, netip.AddrPort{}, netip.AddrPort{})
			p.a.SetSource(pattern(t, 128, 96))
			waitFor(t, "90 frames sent", func() bool { return p.a.Stats().FramesSent >= 90 })
			dec := p.b.Stats().FramesDecoded
			waitFor(t, "frames decoded at the end", func() bool { return p.b.Stats().FramesDecoded > dec })
			a, b := p.a.Stats(), p.b.Stats()
			t.Logf("NACK %v: %d frames sent, %d decoded, %d held back, %d key frame requests, %d resent, %d packets lost",
				fb.NACK, a.FramesSent, b.FramesDecoded, b.FramesDropped, b.KeyframesRequested, a.Retransmitted, b.PacketsLost)
			if n := p.obsB.decErrors.Load(); n != 0 {
				t.Errorf("the decoder was given %d frames it could not decode", n)
			}
			if b.PacketsLost == 0 && a.Retransmitted == 0 {
				t.Error("no loss happened")
			}
		})
	}
}

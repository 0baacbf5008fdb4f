package bench

import (
	"context"
	"image"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/video"
)

// videoPair is two of our engines in this process in a video call on
// loopback: the caller sends the test pattern with its video packets
// through a RelayTransport; the answerer only receives, and every picture
// it decodes is logged with the stamp the pattern drew into it. Both share
// this process's clock, so a stamp's age is glass-to-glass latency.
type videoPair struct {
	tb                 testing.TB
	caller, answerer   *core.Engine
	callerID, answerID string
	relay              atomic.Pointer[RelayTransport]
	feed               *video.Feed
	newPic             chan struct{} // a picture was logged
	callerCalls        <-chan call.Info
	answerCalls        <-chan call.Info

	// mu guards pics, stats and closers.
	mu      sync.Mutex
	pics    []picture
	stats   map[*core.Engine]video.Stats // latest periodic figures per side
	closers []func()                     // the engines' shutdowns
	once    sync.Once
}

// picture is one picture the answerer decoded.
type picture struct {
	at       time.Time // when the feed got it
	frame    uint32    // the pattern's frame number
	captured time.Time // when the caller captured it
}

// startVideoPair connects a video call with codec ("vp8", "h264") at
// size ("640x480") and fps; with relay, the caller's video packets go
// through relays starting with that configuration. The call ends, and
// the engines close, with close or at the end of the test.
func startVideoPair(tb testing.TB, codec, size string, fps int, relay *RelayConfig) *videoPair {
	tb.Helper()
	vp := &videoPair{tb: tb, stats: map[*core.Engine]video.Stats{}, newPic: make(chan struct{}, 1)}
	tb.Cleanup(vp.close)
	var opts []core.Option
	if relay != nil {
		opts = append(opts, core.WithMediaInterceptor(func(kind string, tr media.Transport) media.Transport {
			if kind != "video" {
				return tr
			}
			rt := NewRelayTransport(tr, latLoopback, *relay)
			vp.relay.Store(rt)
			return rt
		}))
	}
	vcfg := config.Video{Size: size, FPS: fps, Codecs: []string{codec}}
	vp.caller, vp.callerCalls = vp.engine(vcfg, opts...)
	vp.answerer, vp.answerCalls = vp.engine(vcfg)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	id, err := vp.caller.Dial(ctx, "sip:anyone@"+vp.answerer.State().Listen,
		core.DialOptions{Video: call.VideoRequest{Video: true, Send: true, Source: video.TestID}})
	if err != nil {
		tb.Fatal(err)
	}
	vp.callerID = id
	in := waitState(tb, vp.answerCalls, call.Incoming)
	vp.answerID = in.ID
	// Receive only: the machine's two cores run one encoder, not two.
	if err := vp.answerer.SetVideo(ctx, in.ID, call.VideoRequest{Video: true}); err != nil {
		tb.Fatal(err)
	}
	if err := vp.answerer.Answer(ctx, in.ID); err != nil {
		tb.Fatal(err)
	}
	waitState(tb, vp.callerCalls, call.Connected)
	for vp.feed == nil {
		if vp.feed, _ = vp.answerer.VideoFeeds(in.ID); vp.feed == nil {
			if ctx.Err() != nil {
				tb.Fatal("the answerer's call shows no video")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if relay != nil && vp.relay.Load() == nil {
		tb.Fatal("the caller's video did not pass the interceptor")
	}
	vp.feed.SetNotify(vp.picture)
	return vp
}

// engine starts one of our phones with video settings v.
func (vp *videoPair) engine(v config.Video, opts ...core.Option) (*core.Engine, <-chan call.Info) {
	tb := vp.tb
	pcmu, err := codecs.ByNames([]string{"pcmu"})
	if err != nil {
		tb.Fatal(err)
	}
	cfg := &config.Config{SIP: config.SIP{Listen: "127.0.0.1:0", AllowDirect: config.On}, Video: v}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	nullAudio := func(_ call.Info, f audio.Format) (audio.Device, error) { return audio.NewNullDevice(f) }
	p, err := core.New(cfg, append([]core.Option{core.WithAudio(nullAudio), core.WithCodecs(pcmu...),
		core.WithoutRegistration(), core.WithLogger(log)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	events, stop := p.Events()
	if err := p.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	calls := make(chan call.Info, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			switch e := e.(type) {
			case core.CallEvent:
				select {
				case calls <- e.Info:
				default: // nobody waits for this one
				}
			case core.CallStatsEvent:
				if e.Stats.Video != nil {
					vp.mu.Lock()
					vp.stats[p] = *e.Stats.Video
					vp.mu.Unlock()
				}
			}
		}
	}()
	vp.mu.Lock()
	vp.closers = append(vp.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Close(ctx)
		stop()
		<-done
	})
	vp.mu.Unlock()
	return p, calls
}

// waitEnded waits until a call event says ended, or for within.
func waitEnded(events <-chan call.Info, within time.Duration) {
	deadline := time.After(within)
	for {
		select {
		case i := <-events:
			if i.State == call.Ended {
				return
			}
		case <-deadline:
			return
		}
	}
}

// waitState returns the first call event in state; an ended call fails.
func waitState(tb testing.TB, events <-chan call.Info, state call.State) call.Info {
	tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case i := <-events:
			if i.State == state {
				return i
			}
			if i.State == call.Ended {
				tb.Fatalf("call ended (%s, %d) waiting for %v", i.Reason, i.Code, state)
			}
		case <-deadline:
			tb.Fatalf("no call %v within 10 s", state)
		}
	}
}

// picture logs the feed's newest picture (the feed's notify: called on
// the decoding goroutine after each picture).
func (vp *videoPair) picture() {
	now := time.Now()
	var st video.Stamp
	var ok bool
	vp.feed.View(func(img *image.YCbCr, _ uint64, _ time.Time) {
		if img != nil {
			st, ok = video.ReadStamp(img)
		}
	})
	if !ok {
		return
	}
	vp.mu.Lock()
	vp.pics = append(vp.pics, picture{at: now, frame: st.Frame, captured: now.Add(-st.Age(now))})
	vp.mu.Unlock()
	select {
	case vp.newPic <- struct{}{}:
	default:
	}
}

// pictures returns a copy of the log so far.
func (vp *videoPair) pictures() []picture {
	vp.mu.Lock()
	defer vp.mu.Unlock()
	return append([]picture(nil), vp.pics...)
}

// waitPicture returns the first picture logged after from whose capture
// time is at or after since, waiting up to within (ok false then).
func (vp *videoPair) waitPicture(since time.Time, within time.Duration) (picture, bool) {
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	seen := 0
	for {
		pics := vp.pictures()
		for _, p := range pics[seen:] {
			if !p.captured.Before(since) {
				return p, true
			}
		}
		seen = len(pics)
		select {
		case <-vp.newPic:
		case <-timeout.C:
			return picture{}, false
		}
	}
}

// latestStats are the side's latest periodic video figures (every 5 s).
func (vp *videoPair) latestStats(p *core.Engine) video.Stats {
	vp.mu.Lock()
	defer vp.mu.Unlock()
	return vp.stats[p]
}

// close ends the call, if any, and closes both engines.
func (vp *videoPair) close() {
	vp.once.Do(func() {
		if vp.feed != nil {
			vp.feed.SetNotify(nil)
		}
		if vp.callerID != "" && vp.caller.Hangup(vp.callerID) == nil {
			// Both ends see the call end before closing: an engine
			// closed with a call still up hangs it up itself and
			// waits for the (closed) far end's answer.
			for _, calls := range []<-chan call.Info{vp.callerCalls, vp.answerCalls} {
				waitEnded(calls, 5*time.Second)
			}
		}
		vp.mu.Lock()
		cs := vp.closers
		vp.mu.Unlock()
		for _, c := range cs {
			c()
		}
	})
}

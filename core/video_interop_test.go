package core_test

import (
	"context"
	"fmt"
	"image"
	"math"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/internal/testlab"
)

const videoConfig = directConfig + "[video]\nsize = \"352x288\"\nfps = 15\n"

var withTestVideo = call.VideoRequest{Video: true, Send: true, Source: video.TestID}

// TestVideoCallsWithBaresip: VP8 both ways with baresip's fakevideo, the
// call placed by either side: most frames sent are decoded on each side,
// the picture received is a real one, a key frame request from us is
// answered with a key frame, and video can be dropped and added again
// mid-call.
func TestVideoCallsWithBaresip(t *testing.T) {
	testlab.Require(t, "baresip", "baresip-core")
	for _, weCall := range []bool{true, false} {
		name := "they-call"
		if weCall {
			name = "we-call"
		}
		t.Run(name, func(t *testing.T) {
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Codecs: []string{"pcmu"}, Video: true})
			alice := startTonePhone(t, videoConfig, 500, []string{"pcmu"})
			ctx := context.Background()
			var id string
			if weCall {
				var err error
				if id, err = alice.Dial(ctx, bob.AOR, core.DialOptions{Video: withTestVideo}); err != nil {
					t.Fatal(err)
				}
			} else {
				if err := bob.Dial("sip:alice@" + alice.State().Listen); err != nil {
					t.Fatal(err)
				}
				in := waitCall(t, alice.events, 10*time.Second, call.Incoming)
				if in.Video == nil || !in.Video.Offered {
					t.Fatalf("baresip's call shows no offered video: %+v", in.Video)
				}
				id = in.ID
				if err := alice.SetVideo(ctx, id, withTestVideo); err != nil {
					t.Fatal(err)
				}
				if err := alice.Answer(ctx, id); err != nil {
					t.Fatal(err)
				}
			}
			waitCall(t, alice.events, 10*time.Second, call.Connected)
			waitPictures(t, alice, id, 30, 10*time.Second)
			time.Sleep(2 * time.Second)

			remote, _ := alice.VideoFeeds(id)
			pic := remote.Snapshot()
			if b := pic.Bounds(); b.Dx() != 352 || b.Dy() != 288 {
				t.Fatalf("picture from baresip is %v, want 352x288", b)
			}
			if sd := lumaSpread(pic); sd < 10 {
				t.Fatalf("picture from baresip is uniform (luma deviation %.1f)", sd)
			}

			// A key frame request: baresip answers it with a key frame.
			before := videoStats(t, alice, id)
			requestKeyFrame(t, alice.Engine, id)
			waitVideoStats(t, alice, id, 3*time.Second, "a key frame after our request", func(s video.Stats) bool {
				return s.KeyframesReceived > before.KeyframesReceived
			})

			// Frames both ways: what one side sent, the other decoded.
			ours := videoStats(t, alice, id)
			theirs, err := bob.VideoStats()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ours %+v; baresip %+v", ours, theirs)
			if float64(ours.FramesDecoded) < 0.8*float64(theirs.SourceFrames) {
				t.Errorf("we decoded %d of baresip's %d frames", ours.FramesDecoded, theirs.SourceFrames)
			}
			if float64(theirs.DisplayFrames) < 0.8*float64(ours.FramesSent) {
				t.Errorf("baresip shows %d of our %d frames", theirs.DisplayFrames, ours.FramesSent)
			}

			// Video dropped mid-call and added again.
			if err := alice.SetVideo(ctx, id, call.VideoRequest{}); err != nil {
				t.Fatal(err)
			}
			if info, _ := alice.State().Call(id); info.Video != nil || info.State != call.Connected {
				t.Fatalf("after dropping video: %+v", info)
			}
			if err := alice.SetVideo(ctx, id, withTestVideo); err != nil {
				t.Fatal(err)
			}
			seq := waitPictures(t, alice, id, 1, 5*time.Second)
			waitPictures(t, alice, id, seq+15, 10*time.Second)
			if info, _ := alice.State().Call(id); info.Video == nil || !info.Video.Sending || !info.Video.Receiving {
				t.Fatalf("after adding video again: %+v", info.Video)
			}
			if err := alice.Hangup(id); err != nil {
				t.Fatal(err)
			}
			waitCall(t, alice.events, 5*time.Second, call.Ended)
		})
	}
}

// TestAudioOnlyAnswerRefusesVideo: an offer with video answered without
// it gets m=video 0 and the call goes on in audio.
func TestAudioOnlyAnswerRefusesVideo(t *testing.T) {
	testlab.Require(t, "baresip", "baresip-core")
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Codecs: []string{"pcmu"}, Video: true})
	alice := startTonePhone(t, videoConfig, 500, []string{"pcmu"})
	if err := bob.Dial("sip:alice@" + alice.State().Listen); err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, alice.events, 10*time.Second, call.Incoming)
	if err := alice.Answer(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	info := waitCall(t, alice.events, 10*time.Second, call.Connected)
	if info.Video != nil {
		t.Fatalf("audio-only answer shows video %+v", info.Video)
	}
	if _, err := bob.WaitEvent(context.Background(), "CALL_ESTABLISHED"); err != nil {
		t.Fatal(err)
	}
	if err := alice.Hangup(in.ID); err != nil {
		t.Fatal(err)
	}
}

// lumaSpread is the standard deviation of a picture's luma.
func lumaSpread(img *image.YCbCr) float64 {
	var sum, sq float64
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			v := float64(img.Y[img.YOffset(x, y)])
			sum += v
			sq += v * v
			n++
		}
	}
	m := sum / float64(n)
	return math.Sqrt(sq/float64(n) - m*m)
}

// videoStats are the call's video figures now.
func videoStats(t *testing.T, p *tonePhone, id string) video.Stats {
	t.Helper()
	st, ok := core.CallVideoStats(p.Engine, id)
	if !ok {
		t.Fatalf("call %s has no video stats", id)
	}
	return st
}

func waitVideoStats(t *testing.T, p *tonePhone, id string, within time.Duration, what string, ok func(video.Stats) bool) video.Stats {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := videoStats(t, p, id)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v: %+v", what, within, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func requestKeyFrame(t *testing.T, p *core.Engine, id string) {
	t.Helper()
	if err := core.RequestKeyFrame(p, id); err != nil {
		t.Fatal(fmt.Errorf("key frame request: %w", err))
	}
}

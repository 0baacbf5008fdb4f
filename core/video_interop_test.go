package core_test

import (
	"context"
	"fmt"
	"image"
	"math"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
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
// it gets m=video 0 and the call goes on in audio; the video stays shown
// as offered.
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
	if v := info.Video; v != nil && (!v.Offered || v.Sending || v.Receiving) {
		t.Fatalf("audio-only answer shows video %+v (want none, or offered and not taken)", v)
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

// dropStage drops every RTP packet it is asked to send while on.
type dropStage struct {
	media.Transport
	on *atomic.Bool
}

func (d dropStage) SendRTP(pkt []byte, to netip.AddrPort) error {
	if d.on.Load() {
		return nil
	}
	return d.Transport.SendRTP(pkt, to)
}

// TestBaresipAsksUsForKeyFrames: when baresip loses our video it asks
// for a key frame, and we send one.
func TestBaresipAsksUsForKeyFrames(t *testing.T) {
	testlab.Require(t, "baresip", "baresip-core")
	var dropping atomic.Bool
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Codecs: []string{"pcmu"}, Video: true})
	alice := startTonePhone(t, videoConfig, 500, []string{"pcmu"}, core.WithMediaInterceptor(func(kind string, tr media.Transport) media.Transport {
		if kind != "video" {
			return tr
		}
		return dropStage{tr, &dropping}
	}))
	id, err := alice.Dial(context.Background(), bob.AOR, core.DialOptions{Video: withTestVideo})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, alice.events, 10*time.Second, call.Connected)
	waitVideoStats(t, alice, id, 5*time.Second, "frames sent", func(s video.Stats) bool { return s.FramesSent > 15 })
	before := videoStats(t, alice, id)
	dropping.Store(true)
	time.Sleep(300 * time.Millisecond)
	dropping.Store(false)
	after := waitVideoStats(t, alice, id, 3*time.Second, "a key frame request from baresip answered", func(s video.Stats) bool {
		return s.KeyRequestsReceived > before.KeyRequestsReceived && s.KeyframesSent > before.KeyframesSent
	})
	theirs, err := bob.VideoStats()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("requests %d→%d, key frames sent %d→%d; baresip asked %d times", before.KeyRequestsReceived, after.KeyRequestsReceived,
		before.KeyframesSent, after.KeyframesSent, theirs.PictureUpdates)
	if theirs.PictureUpdates == 0 {
		t.Errorf("baresip says it asked for no picture update")
	}
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
}

// TestEncryptedVideoWithBaresip: the video stream is encrypted like the
// audio, with SDES or DTLS-SRTP, and pictures still flow both ways.
func TestEncryptedVideoWithBaresip(t *testing.T) {
	testlab.Require(t, "baresip", "baresip-core")
	for _, sc := range []struct{ theirs, ours, scheme string }{
		{"srtp-mand", "srtp", call.EncryptionSRTP},
		{"dtls_srtp", "dtls", call.EncryptionDTLS},
	} {
		t.Run(sc.theirs, func(t *testing.T) {
			k := testlab.StartKamailio(t, testlab.KamailioOptions{})
			// rtcp-mux: a DTLS stream of ours has one socket, so its RTCP
			// (the picture loss reports) must share it.
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, MediaEnc: sc.theirs, Video: true, RTCPMux: true})
			capture := testlab.StartCapture(t, testlab.PortRange(bob.RTPPorts[0], bob.RTPPorts[1])...)
			alice := startTonePhone(t, secureConfig(k, sc.ours, true)+"\n[video]\nsize = \"352x288\"\nfps = 15\n", 500, []string{"pcmu"})
			waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
			id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{Video: withTestVideo})
			if err != nil {
				t.Fatal(err)
			}
			waitInfo(t, alice.Engine, id, 10*time.Second, "encryption "+sc.scheme, func(i call.Info) bool { return i.Encryption == sc.scheme })
			waitPictures(t, alice, id, 20, 10*time.Second)
			theirs, err := bob.VideoStats()
			if err != nil {
				t.Fatal(err)
			}
			if theirs.DisplayFrames == 0 {
				capture.Stop()
				n := 0
				for _, p := range capture.All() {
					if len(p.Payload) > 12 && p.Payload[1]&0x7f == 96 && int(p.Dst.Port()) >= bob.RTPPorts[0] && int(p.Dst.Port()) <= bob.RTPPorts[1] {
						n++
					}
				}
				t.Fatalf("baresip decoded none of our encrypted video (%d video packets to it; ours %+v): %s", n, videoStats(t, alice, id), theirs.Text)
			}
			if !strings.Contains(theirs.Text, "secure=yes") {
				t.Errorf("baresip's video stream is not secure: %s", theirs.Text)
			}
			// Neither direction's video reads as VP8 on the wire (SRTP
			// leaves the RTP header clear: video is what has PT 96).
			capture.Stop()
			in := func(p netip.AddrPort) bool {
				return int(p.Port()) >= bob.RTPPorts[0] && int(p.Port()) <= bob.RTPPorts[1]
			}
			var fromThem, toThem [][]byte
			for _, p := range capture.All() {
				switch {
				case len(p.Payload) < 13 || p.Payload[1]&0x7f != 96:
				case in(p.Src) && !in(p.Dst):
					fromThem = append(fromThem, p.Payload)
				case in(p.Dst) && !in(p.Src):
					toThem = append(toThem, p.Payload)
				}
			}
			for _, d := range []struct {
				name string
				pkts [][]byte
			}{{"baresip → us", fromThem}, {"us → baresip", toThem}} {
				if len(d.pkts) < 20 {
					t.Fatalf("%s: only %d video-sized packets captured", d.name, len(d.pkts))
				}
				if share := testlab.ClearVP8Share(d.pkts); share > 0.6 {
					t.Errorf("%s: %.0f%% of video packets look like clear VP8", d.name, share*100)
				}
			}
			if err := alice.Hangup(id); err != nil {
				t.Fatal(err)
			}
		})
	}
}

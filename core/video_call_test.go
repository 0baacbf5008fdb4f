package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/video/videocodecs"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
)

// waitVideo waits until the phone's call id has decoded at least n
// pictures of the far end's video and returns how many it had.
func waitPictures(t *testing.T, p core.Phone, id string, n uint64, within time.Duration) uint64 {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		remote, _ := p.VideoFeeds(id)
		if remote != nil && remote.Seq() >= n {
			return remote.Seq()
		}
		if time.Now().After(deadline) {
			var got uint64
			if remote != nil {
				got = remote.Seq()
			}
			t.Fatalf("call %s: %d pictures after %v, want %d", id, got, within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// needVideoCodecs skips where the build has no video codec (Windows:
// libvpx and openh264 are not cross-built).
func needVideoCodecs(t *testing.T) {
	t.Helper()
	if len(videocodecs.Default()) == 0 {
		t.Skip("this build has no video codecs")
	}
}

func TestVideoCallBetweenTwoPhones(t *testing.T) {
	needVideoCodecs(t)
	for _, codec := range []string{"VP8", "H264"} {
		t.Run(codec, func(t *testing.T) { videoCallBetweenTwoPhones(t, codec) })
	}
}

func videoCallBetweenTwoPhones(t *testing.T, codec string) {
	cfg := directConfig + "[video]\nsize = \"352x288\"\nfps = 15\ncodecs = [\"" + strings.ToLower(codec) + "\"]\n"
	a := startTonePhone(t, cfg, 440, allCodecs)
	b := startTonePhone(t, cfg, 1000, allCodecs)
	ctx := context.Background()
	withVideo := call.VideoRequest{Video: true, Send: true, Source: video.TestID}
	id, err := b.Dial(ctx, "sip:anyone@"+a.State().Listen, core.DialOptions{Video: withVideo})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, a.events, 5*time.Second, call.Incoming)
	if in.Video == nil || !in.Video.Offered {
		t.Fatalf("incoming call shows no offered video: %+v", in.Video)
	}
	if err := a.SetVideo(ctx, in.ID, withVideo); err != nil {
		t.Fatal(err)
	}
	if err := a.Answer(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	waitCall(t, b.events, 5*time.Second, call.Connected)
	waitPictures(t, a, in.ID, 20, 10*time.Second)
	waitPictures(t, b, id, 20, 10*time.Second)

	remote, local := b.VideoFeeds(id)
	pic := remote.Snapshot()
	if s, ok := video.ReadStamp(pic); !ok || s.Frame == 0 {
		t.Fatalf("the far end's picture carries no test-pattern stamp (%+v, %v)", s, ok)
	}
	if local.Seq() == 0 {
		t.Fatal("no preview of our own video")
	}
	info, _ := b.State().Call(id)
	if info.Video == nil || !info.Video.Sending || !info.Video.Receiving || info.Video.Codec != codec {
		t.Fatalf("caller's video %+v", info.Video)
	}

	// Hold stops the pictures both ways; resuming brings them back.
	if err := b.Hold(ctx, id); err != nil {
		t.Fatal(err)
	}
	if bi, _ := b.State().Call(id); bi.Video == nil || bi.Video.Sending {
		t.Fatalf("caller's video on hold: %+v", bi.Video)
	}
	if err := b.Resume(ctx, id); err != nil {
		t.Fatal(err)
	}
	seq := waitPictures(t, a, in.ID, 1, 5*time.Second)
	waitPictures(t, a, in.ID, seq+10, 10*time.Second)

	// Camera off on the answerer: the caller stops receiving.
	if err := a.SetVideo(ctx, in.ID, call.VideoRequest{Video: true}); err != nil {
		t.Fatal(err)
	}
	if ai, _ := a.State().Call(in.ID); ai.Video == nil || ai.Video.Sending || !ai.Video.Receiving {
		t.Fatalf("answerer's video after camera off: %+v", ai.Video)
	}
	// Video dropped by the caller: both calls go on without it.
	if err := b.SetVideo(ctx, id, call.VideoRequest{}); err != nil {
		t.Fatal(err)
	}
	if bi, _ := b.State().Call(id); bi.Video != nil {
		t.Fatalf("caller still shows video %+v", bi.Video)
	}
	// And added again.
	if err := b.SetVideo(ctx, id, withVideo); err != nil {
		t.Fatal(err)
	}
	before := waitPictures(t, a, in.ID, 1, 5*time.Second)
	waitPictures(t, a, in.ID, before+10, 10*time.Second)
	if err := b.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitCall(t, a.events, 5*time.Second, call.Ended)
}

// TestVideoOfferedMidCall: video offered by the far end during an audio
// call is refused (the user did not ask for it) and shown as offered;
// taking it makes our own offer, and pictures flow.
func TestVideoOfferedMidCall(t *testing.T) {
	needVideoCodecs(t)
	cfg := directConfig + "[video]\nsize = \"352x288\"\nfps = 15\n"
	a := startTonePhone(t, cfg, 440, allCodecs)
	b := startTonePhone(t, cfg, 1000, allCodecs)
	ctx := context.Background()
	id, err := b.Dial(ctx, "sip:anyone@"+a.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, a.events, 5*time.Second, call.Incoming)
	if in.Video != nil {
		t.Fatalf("audio call shows video %+v", in.Video)
	}
	if err := a.Answer(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	waitCall(t, b.events, 5*time.Second, call.Connected)
	withVideo := call.VideoRequest{Video: true, Send: true, Source: video.TestID}
	if err := b.SetVideo(ctx, id, withVideo); err != nil {
		t.Fatal(err)
	}
	ai := waitInfo(t, a.Engine, in.ID, 5*time.Second, "video offered", func(i call.Info) bool { return i.Video != nil })
	if !ai.Video.Offered || ai.Video.Receiving {
		t.Fatalf("video the user did not take: %+v", ai.Video)
	}
	if bi, _ := b.State().Call(id); bi.Video != nil {
		t.Fatalf("refused video shows as %+v on the offering side", bi.Video)
	}
	if err := a.SetVideo(ctx, in.ID, withVideo); err != nil {
		t.Fatal(err)
	}
	waitPictures(t, a, in.ID, 10, 10*time.Second)
	waitPictures(t, b, id, 10, 10*time.Second)
}

package bench

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

var onlyVideo = flag.Bool("bench.video", false, "run only the video rows and figures and print them (writes nothing)")

// What every video call of the report sends: the same size, rate and
// bit-rate target on both programs.
const (
	videoSize = "640x480"
	videoRate = 30
	videoKbps = 1500
)

// videoConfig is our program's [video] section for codec ("vp8", "h264").
func videoConfig(codec string) string {
	return fmt.Sprintf("\n[video]\nsize = %q\nfps = %d\nbitrate = %d\ncodecs = [%q]\n", videoSize, videoRate, videoKbps, codec)
}

// videoRows: the video calls against baresip (CPU and memory per call,
// VP8, as caller and as callee), our H.264 call's CPU, and the
// in-process figures.
func (h *harness) videoRows() ([]Row, []Figure) {
	l := h.videoLab()
	rows := l.callerCPU()
	rows = append(rows, l.calleeCPU(), h.h264CPU())
	return rows, append([]Figure{patternCost(h.b)}, videoFigures(h.b)...)
}

// videoLab is the VP8 side of the video rows: a Kamailio of its own with
// an auto-answering baresip "bob" and a baresip caller "carol", both
// sending fakevideo at the report's size and rate; dave and erin are for
// our programs.
type videoLab struct {
	h                *harness
	k                *testlab.Kamailio
	bob, carol       *testlab.Baresip
	bobPid, carolPid int
	cfg              string // our caller's configuration (dave)
}

func (h *harness) videoLab() *videoLab {
	users := append(slices.Clone(testlab.DefaultUsers), testlab.User{Name: "dave", Password: "dave-secret"}, testlab.User{Name: "erin", Password: "erin-secret"})
	l := &videoLab{h: h, k: testlab.StartKamailio(h.b, testlab.KamailioOptions{Users: users})}
	opts := testlab.BaresipOptions{Kamailio: l.k, Codecs: []string{"pcmu"}, Video: true, VideoSize: videoSize, VideoFPS: videoRate, VideoKbps: videoKbps}
	callee, caller := opts, opts
	callee.User, caller.User = "bob", "carol"
	l.bob, l.carol = testlab.StartBaresip(h.b, callee), testlab.StartBaresip(h.b, caller)
	var err error
	if l.bobPid, err = baresipPid(l.bob.Dir); err != nil {
		h.b.Fatal(err)
	}
	if l.carolPid, err = baresipPid(l.carol.Dir); err != nil {
		h.b.Fatal(err)
	}
	l.cfg = l.account("dave", videoConfig("vp8"))
	return l
}

// account writes our program's configuration for user on the lab's
// Kamailio, with extra sections.
func (l *videoLab) account(user, extra string) string {
	cfg := filepath.Join(l.h.b.TempDir(), user+".toml")
	toml := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = %q\nusername = %q\npassword = %q\ndomain = %q\nproxy = %q\ntransport = \"udp\"\n%s",
		user, user, user+"-secret", l.k.Domain, l.k.UDPAddr, extra)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		l.h.b.Fatal(err)
	}
	return cfg
}

// call starts our caller (dave, sending the test pattern) towards user
// for one call of callLen.
func (l *videoLab) call(user string) *ours {
	h := l.h
	return h.start("call", "sip:"+user+"@"+l.k.Domain, "--json", "--hangup-after", callLen.String(), "--config", l.cfg,
		"--codecs", "pcmu", "--video", "--camera", "test", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav"))
}

// callerCPU: the CPU and memory of a VP8 video call's caller, ours and
// baresip's in turn, calling the same baresip.
func (l *videoLab) callerCPU() []Row {
	h, bob, carol, pid := l.h, l.bob, l.carol, l.carolPid
	window := *callLen - 200*time.Millisecond
	var oCPU, bCPU, oRSS, bRSS, oHWM, bHWM []float64
	for i := range *cpuPairs {
		o := l.call("bob")
		if _, err := o.wait("call", "connected", 10*time.Second); err != nil {
			h.b.Fatalf("ours video call %d: %v", i, err)
		}
		c, r, hw := h.measureCall(o.cmd.Process.Pid, window)
		far, _ := bob.VideoStats()
		h.b.Logf("video pair %d, ours: %.2f CPU s, %.1f MB; our last figures %v; bob decoded %d of our frames", i, c, r, o.latestVideo(), far.DisplayFrames)
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatalf("ours video call %d: %v", i, err)
		}
		waitB(h.b, bob, "CALL_ESTABLISHED")
		waitB(h.b, bob, "CALL_CLOSED")
		oCPU, oRSS, oHWM = append(oCPU, c), append(oRSS, r), append(oHWM, hw)

		if err := carol.Dial(bob.AOR); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_ESTABLISHED")
		c, r, hw = h.measureCall(pid, window)
		mine, _ := carol.VideoStats()
		far, _ = bob.VideoStats()
		h.b.Logf("video pair %d, baresip: %.2f CPU s, %.1f MB; carol sent %d frames and decoded %d; bob decoded %d", i, c, r, mine.SourceFrames, mine.DisplayFrames, far.DisplayFrames)
		if err := carol.Hangup(); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_CLOSED")
		waitB(h.b, bob, "CALL_ESTABLISHED")
		waitB(h.b, bob, "CALL_CLOSED")
		bCPU, bRSS, bHWM = append(bCPU, c), append(bRSS, r), append(bHWM, hw)
	}
	m := fmt.Sprintf("caller process, /proc/<pid>/stat utime+stime over %v from the moment the call is connected (ours: `connected` event; baresip: CALL_ESTABLISHED), %d pairs. Both callers call the same auto-answering baresip (vp8 + fakevideo, sending %s@%d back) through their own loopback Kamailio, PCMU audio, and send VP8 %s@%d at a %d kbit/s target: ours the test pattern (`softphone call --video --camera test`, [video] size/fps/bitrate), baresip its fakevideo source (video_size/video_fps/video_bitrate). Each encodes its own source and decodes the same far-end video; this is not symmetric: baresip 1.0's fakevideo is a still picture (three colour bars drawn once, nothing drawn per frame), while ours encodes a moving pattern, harder to compress, and draws it every frame (the drawing's own cost is among the figures below). The next row compares the two as receivers.",
		window, *cpuPairs, videoSize, videoRate, videoSize, videoRate, videoKbps)
	return []Row{
		NewRow(fmt.Sprintf("Video call CPU per %v call, %s@%d VP8", *callLen, videoSize, videoRate), "CPU s", m, oCPU, bCPU),
		NewRow(fmt.Sprintf("RSS in a video call (%s@%d VP8)", videoSize, videoRate), "MB", "caller's VmRSS at mid-call in the calls above. baresip's caller is one long-lived process (its earlier calls included); ours is a fresh `softphone call` process.", oRSS, bRSS),
		NewRow(fmt.Sprintf("Peak RSS through a video call (%s@%d VP8)", videoSize, videoRate), "MB", "caller's VmHWM just before the hang-up, same calls.", oHWM, bHWM),
	}
}

// h264CPU: our caller's CPU in an H.264 call to another of our programs
// (baresip 1.0 has no H.264 module: no pair).
func (h *harness) h264CPU() Row {
	acct := func(name, peer string) string {
		cfg := filepath.Join(h.b.TempDir(), name+"-h264.toml")
		toml := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = %q\nusername = %q\npassword = \"unused\"\ndomain = %q\nmedia_encryption = \"none\"\n%s",
			name, name, peer, videoConfig("h264"))
		if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
			h.b.Fatal(err)
		}
		return cfg
	}
	window := *callLen - 200*time.Millisecond
	var cpu []float64
	for i := range *cpuPairs {
		answer := startProc(h.b, exec.Command(h.bin, "answer", "--config", acct("bob", "127.0.0.1:9"), "--count", "1", "--json",
			"--video", "--camera", "test", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "b.wav")))
		l, err := answer.wait("listening", "", 10*time.Second)
		if err != nil {
			h.b.Fatal(err)
		}
		bobAddr := l.str("addr")
		o := h.start("call", "sip:bob@"+bobAddr, "--account", "alice", "--json", "--hangup-after", callLen.String(), "--config", acct("alice", bobAddr),
			"--codecs", "pcmu", "--video", "--camera", "test", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav"))
		if _, err := o.wait("call", "connected", 10*time.Second); err != nil {
			h.b.Fatalf("ours H.264 call %d: %v", i, err)
		}
		c, _, _ := h.measureCall(o.cmd.Process.Pid, window)
		h.b.Logf("H.264 call %d: %.2f CPU s; caller's last figures %v", i, c, o.latestVideo())
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatalf("ours H.264 call %d: %v", i, err)
		}
		if err := answer.finish(10 * time.Second); err != nil {
			h.b.Fatal(err)
		}
		cpu = append(cpu, c)
	}
	return NewRow(fmt.Sprintf("Video call CPU per %v call, %s@%d H.264 (ours only)", *callLen, videoSize, videoRate), "CPU s",
		fmt.Sprintf("our caller's utime+stime over %v of a connected call, sending H.264 (OpenH264) %s@%d at %d kbit/s from the test pattern and decoding the same from the far end, which is another of our programs (`softphone answer --video --camera test`, direct on loopback, PCMU audio); %d calls. No baresip figure: the baresip 1.0 installed here (baresip-core) has no H.264 module; its avcodec module comes in Debian's separate baresip-ffmpeg package, which this project does not install.",
			window, videoSize, videoRate, videoKbps, *cpuPairs), cpu, nil)
}

// latestVideo is the video part of the child's latest stats event so far
// (they come every 5 s), nil before the first.
func (o *ours) latestVideo() map[string]any {
	var v map[string]any
	for {
		e, err := o.wait("stats", "", 10*time.Millisecond)
		if err != nil {
			return v
		}
		if m, ok := e.m["video"].(map[string]any); ok {
			v = m
		}
	}
}

//go:build linux

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestWindowsBuildUnderWine cross-builds the Windows programs as `make
// windows` does and runs softphone-cli.exe under Wine against the test
// Kamailio and baresip: it registers, and a call carries audio both
// ways (tones checked on each side). Wine 8.0's own gaps are worked
// around for the test only (see testlab/wine.go).
func TestWindowsBuildUnderWine(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	dir := testlab.BuildWindows(t, repo)
	t.Logf("Windows build: %v", time.Since(start))
	w := testlab.StartWine(t, repo)
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cli := filepath.Join(dir, "softphone-cli.exe")
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
	data := t.TempDir()
	base := []string{"--config", testlab.WindowsPath(cfg), "--data", testlab.WindowsPath(data)}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := w.Command(ctx, nil, cli, "register", "--once", "--config", testlab.WindowsPath(cfg)).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "alice: registered") {
		t.Fatalf("register --once under Wine: %v\n%s", err, out)
	}

	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000, Record: true})
	tmp := t.TempDir()
	play, rec := filepath.Join(tmp, "440.wav"), filepath.Join(tmp, "got.wav")
	if err := testlab.WriteToneWAV(play, 16000, 440, 5*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"call", "sip:bob@" + k.Domain, "--play", testlab.WindowsPath(play), "--record", testlab.WindowsPath(rec),
		"--hangup-after", "2s", "--codecs", "pcmu", "--json"}, base...)
	out, err = w.Command(ctx, nil, cli, args...).Output()
	if err != nil {
		t.Fatalf("call under Wine: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"state":"connected"`) {
		t.Fatalf("the call did not connect:\n%s", out)
	}
	checkTone(t, rec, 1000)
	recs, err := bob.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("baresip recordings: %v %v", recs, err)
	}
	checkTone(t, recs[len(recs)-1], 440)
}

// TestWindowsAudioDevicesUnderWine calls with the real audio devices of
// the Windows build (miniaudio's WASAPI backend, which Wine serves from a
// private PulseAudio whose speaker comes back as its microphone): the
// tone baresip sends is played out, captured again and sent back, so
// baresip records its own tone only if both directions of WASAPI work.
func TestWindowsAudioDevicesUnderWine(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := testlab.BuildWindows(t, repo)
	pulse := testlab.StartPulse(t)
	w := testlab.StartWine(t, repo)
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cli := filepath.Join(dir, "softphone-cli.exe")
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
	base := []string{"--config", testlab.WindowsPath(cfg), "--data", testlab.WindowsPath(t.TempDir())}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := w.Command(ctx, pulse.Env, cli, "devices").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Monitor of Null Output") || !strings.Contains(string(out), "Null Output") {
		t.Fatalf("devices under Wine (WASAPI): %v\n%s", err, out)
	}

	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000, Record: true})
	args := append([]string{"call", "sip:bob@" + k.Domain, "--hangup-after", "4s", "--codecs", "pcmu", "--json"}, base...)
	out, err = w.Command(ctx, pulse.Env, cli, args...).Output()
	if err != nil || !strings.Contains(string(out), `"state":"connected"`) {
		t.Fatalf("call with the devices under Wine: %v\n%s", err, out)
	}
	recs, err := bob.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("baresip recordings: %v %v", recs, err)
	}
	checkTone(t, recs[len(recs)-1], 1000)
}

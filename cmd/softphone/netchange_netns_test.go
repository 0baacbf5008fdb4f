package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// moveWithin is how soon after this host's address changes the phone
// must be registered from the new one and the call's audio flow again.
const moveWithin = 5 * time.Second

// TestAddressChangeDuringCall: alice (the program, `answer`) lives in
// namespace A and registers with a Kamailio in the router namespace R;
// bob (the program, `call`, in R) calls her through it. During the call
// alice's address moves from 198.18.1.2 to 198.18.1.3 (the old one is
// removed, as a DHCP renewal or another Wi-Fi would): within moveWithin
// Kamailio lists alice's contact at the new address, and after that each
// side hears the other's tone again (bob's RTP to the old address goes
// nowhere until alice's re-INVITE moves it).
func TestAddressChangeDuringCall(t *testing.T) {
	for _, c := range []struct{ name, transport, media string }{
		{"udp", "udp", ""}, {"tcp", "tcp", ""}, {"udp-dtls", "udp", "dtls"}, {"udp-ice", "udp", "ice"},
	} {
		t.Run(c.name, func(t *testing.T) { addressChangeDuringCall(t, c.transport, c.media) })
	}
}

// addressChangeDuringCall is the test with alice's account over transport
// (over TCP her connection from the old address must be replaced), both
// phones protecting the media with mediaEnc ("" none, "ice" for ICE with
// DTLS-SRTP, which restarts ICE, else media_encryption; DTLS-SRTP keeps
// its keys across the move).
func addressChangeDuringCall(t *testing.T, transport, mediaEnc string) {
	topo := testlab.NewNetTopology(t)
	nsA, _, nsR := topo.Names()
	regAddr := topo.AddrRA()
	k := testlab.StartKamailioIn(t, topo, nsR, regAddr, testlab.KamailioOptions{})
	bin := buildBinary(t)
	dir := t.TempDir()
	toneA, toneB := filepath.Join(dir, "440.wav"), filepath.Join(dir, "1000.wav")
	recA, recB := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	for _, w := range []struct {
		path string
		hz   float64
	}{{toneA, 440}, {toneB, 1000}} {
		if err := testlab.WriteToneWAV(w.path, 8000, w.hz, 4*time.Second, testlab.ToneAmplitude); err != nil {
			t.Fatal(err)
		}
	}
	account := func(listen, name, transport string) string {
		s := fmt.Sprintf("[sip]\nlisten = %q\n\n[[account]]\nname = %q\nusername = %q\npassword = %q\ndomain = %q\nproxy = %q\ntransport = %q\nexpires = 300\n",
			listen, name, name, name+"-secret", k.Domain, k.UDPAddr, transport)
		switch mediaEnc {
		case "":
		case "ice": // ICE (host candidates: no STUN here) with DTLS-SRTP
			s += "media_encryption = \"dtls\"\nmedia_encryption_mandatory = true\nice = true\n"
		default:
			s += fmt.Sprintf("media_encryption = %q\nmedia_encryption_mandatory = true\n", mediaEnc)
		}
		return s
	}
	// alice listens on every address of A: that is what lets her follow.
	cfgA := writeFile(t, account("0.0.0.0:5060", "alice", transport))
	cfgB := writeFile(t, account(regAddr.String()+":5070", "bob", "udp"))

	alice := startAnswering(t, topo.Command(nsA, bin, "answer", "--config", cfgA, "--count", "1", "--json",
		"--codecs", "pcmu", "--play", toneA, "--record", recA))
	oldAddr, newAddr := topo.AddrA(), netip.MustParseAddr("198.18.1.3")
	aliceAt := func(a netip.Addr) bool {
		bs, err := k.Bindings("alice")
		if err != nil {
			return false
		}
		for _, b := range bs {
			if strings.Contains(b.Address, "@"+a.String()+":") {
				return true
			}
		}
		return false
	}
	testlab.Eventually(t, 10*time.Second, "alice registered at "+oldAddr.String(), func() bool { return aliceAt(oldAddr) })

	const talk = 12 * time.Second
	bob := topo.Command(nsR, bin, "call", "sip:alice@"+k.Domain, "--config", cfgB, "--json", "--codecs", "pcmu",
		"--play", toneB, "--record", recB, "--hangup-after", talk.String())
	bob.Stderr = os.Stderr
	stdout, err := bob.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bob.Process.Kill() })
	var mu sync.Mutex // guards lines
	var lines []string
	connected, flowing := make(chan time.Time, 1), make(chan struct{}, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			mu.Lock()
			lines = append(lines, sc.Text())
			mu.Unlock()
			var e struct{ Event, State string }
			if json.Unmarshal(sc.Bytes(), &e) != nil {
				continue
			}
			switch {
			case e.Event == "call" && e.State == "connected":
				select {
				case connected <- time.Now():
				default:
				}
			case e.Event == "media" && e.State == "flowing":
				select {
				case flowing <- struct{}{}:
				default:
				}
			}
		}
	}()
	var answered time.Time
	select {
	case answered = <-connected:
	case <-time.After(15 * time.Second):
		t.Fatal("bob's call to alice did not connect")
	}
	select {
	case <-flowing:
	case <-time.After(5 * time.Second):
		t.Fatal("no media flowing on bob's side")
	}
	time.Sleep(2 * time.Second) // some audio before the move, to compare with

	// The move: the new address first, then the old one goes (promoted
	// secondaries keep the new one when the primary is removed).
	moveCmds := [][]string{
		{"sysctl", "-q", "-w", "net.ipv4.conf.eth0.promote_secondaries=1"},
		{"ip", "addr", "add", newAddr.String() + "/24", "dev", "eth0"},
		{"ip", "addr", "del", oldAddr.String() + "/24", "dev", "eth0"},
	}
	var moved time.Time
	for _, c := range moveCmds {
		if out, err := topo.Command(nsA, c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(c, " "), err, out)
		}
		moved = time.Now()
	}
	// Not fatal: the audio is worth checking either way. The binding at
	// the old address goes too (calls forked there would find nobody).
	movedOver := func() bool { return aliceAt(newAddr) && !aliceAt(oldAddr) }
	for !movedOver() && time.Since(moved) < moveWithin {
		time.Sleep(20 * time.Millisecond) // Kamailio tells nobody: ask it again
	}
	if took := time.Since(moved); movedOver() {
		t.Logf("alice registered at %s only, %v after the move", newAddr, took.Round(time.Millisecond))
	} else {
		bs, _ := k.Bindings("alice")
		t.Errorf("alice not registered at %s only within %v of the move: %+v", newAddr, moveWithin, bs)
	}

	if err := bob.Wait(); err != nil {
		mu.Lock()
		t.Fatalf("bob's call: %v\n%s", err, strings.Join(lines, "\n"))
	}
	<-readDone
	// alice ends when bob's BYE reaches her (at her new address); else an
	// interrupt ends her, finishing her recording.
	aliceDone := make(chan error, 1)
	go func() { aliceDone <- alice.cmd.Wait() }()
	select {
	case err := <-aliceDone:
		if err != nil {
			t.Errorf("alice: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("alice did not see the call end: bob's BYE did not reach her")
		_ = alice.cmd.Process.Signal(os.Interrupt)
		select {
		case <-aliceDone:
		case <-time.After(10 * time.Second):
			t.Fatal("alice did not exit on an interrupt")
		}
	}

	// Both recordings start when the call connects (within a few
	// milliseconds on either side): before the move each side heard the
	// other; from moveWithin after it, again.
	before := [2]time.Duration{time.Second, moved.Sub(answered) - 300*time.Millisecond}
	after := [2]time.Duration{moved.Sub(answered) + moveWithin, talk - 500*time.Millisecond}
	if after[1]-after[0] < 2*time.Second {
		t.Fatalf("the call left only %v to listen to after the move", after[1]-after[0])
	}
	for _, r := range []struct {
		who, path string
		hz        float64
	}{{"alice hears bob", recA, 1000}, {"bob hears alice", recB, 440}} {
		pre, post := toneShare(t, r.path, r.hz, before), toneShare(t, r.path, r.hz, after)
		t.Logf("%s: %.0f%% of the time before the move, %.0f%% from %v after it; the tone back for good %v after the move",
			r.who, 100*pre, 100*post, moveWithin, toneBack(t, r.path, r.hz, moved.Sub(answered), talk-500*time.Millisecond))
		if pre < 0.8 {
			t.Errorf("%s: the tone in only %.0f%% of the time before the move", r.who, 100*pre)
		}
		if post < 0.8 {
			t.Errorf("%s: the tone in only %.0f%% of the time from %v after the move", r.who, 100*post, moveWithin)
		}
	}
}

// readMono is the WAV file at path, mixed down to one channel, and its rate.
func readMono(t *testing.T, path string) ([]int16, int) {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return testlab.MixMono(pcm, ch), rate
}

// toneShare is the share of the 100 ms windows of span (from the start of
// the WAV file at path) where hz is at most 30 dB under full scale.
func toneShare(t *testing.T, path string, hz float64, span [2]time.Duration) float64 {
	t.Helper()
	mono, rate := readMono(t, path)
	win := rate / 10
	from, to := int(span[0].Seconds()*float64(rate)), int(span[1].Seconds()*float64(rate))
	if to > len(mono) {
		t.Fatalf("%s: %.1f s long, want at least %v", filepath.Base(path), float64(len(mono))/float64(rate), span[1])
	}
	n, with := 0, 0
	for off := from; off+win <= to; off += win {
		n++
		if testlab.DBFS(testlab.Goertzel(mono[off:off+win], rate, hz)) > -30 {
			with++
		}
	}
	if n == 0 {
		t.Fatalf("%s: empty span %v", filepath.Base(path), span)
	}
	return float64(with) / float64(n)
}

// toneBack is how long after from the tone at hz starts in the WAV file
// at path and stays (every 100 ms window up to until has it), or -1 if it
// never does.
func toneBack(t *testing.T, path string, hz float64, from, until time.Duration) time.Duration {
	t.Helper()
	mono, rate := readMono(t, path)
	win := rate / 10
	start, end := int(from.Seconds()*float64(rate)), min(len(mono), int(until.Seconds()*float64(rate)))
	back := -1
	for off := start; off+win <= end; off += win {
		if testlab.DBFS(testlab.Goertzel(mono[off:off+win], rate, hz)) > -30 {
			if back < 0 {
				back = off
			}
		} else {
			back = -1
		}
	}
	if back < 0 {
		return -1
	}
	return time.Duration(float64(back-start) / float64(rate) * float64(time.Second)).Round(10 * time.Millisecond)
}

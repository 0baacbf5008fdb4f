package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// secureCalls is how many setup pairs the encrypted and relayed rows take.
const secureCalls = 10

// secure is the encrypted and NAT-traversing side of the report: a second
// Kamailio with its own far ends (baresip in dtls_srtp + ICE and in
// srtp-mand modes) and a coturn as STUN and TURN server on loopback.
type secure struct {
	h    *harness
	k    *testlab.Kamailio
	turn *testlab.Coturn
}

func (h *harness) secureRows() ([]Row, []Figure) {
	users := append(slices.Clone(testlab.DefaultUsers), testlab.User{Name: "dave", Password: "dave-secret"}, testlab.User{Name: "erin", Password: "erin-secret"})
	s := &secure{h: h, k: testlab.StartKamailio(h.b, testlab.KamailioOptions{Users: users}), turn: testlab.StartCoturn(h.b)}
	rows := []Row{s.dtlsICESetup()}
	cpu, overhead := s.srtpCPU()
	rows = append(rows, cpu)
	return rows, []Figure{overhead, s.turnSetup()}
}

// config writes alice's account on s.k with extra media keys.
func (s *secure) config(extra string) string {
	cfg := filepath.Join(s.h.b.TempDir(), "config.toml")
	toml := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = \"alice\"\nusername = \"alice\"\npassword = \"alice-secret\"\ndomain = %q\nproxy = %q\ntransport = \"udp\"\n%s",
		s.k.Domain, s.k.UDPAddr, extra)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		s.h.b.Fatal(err)
	}
	return cfg
}

// flowing runs one call of ours and returns call start → first decrypted
// RTP packet from the far end.
func (s *secure) flowing(bin, cfg, to string, args ...string) float64 {
	h := s.h
	o := h.startBin(bin, append([]string{"call", to, "--json", "--hangup-after", "3s", "--config", cfg,
		"--codecs", "pcmu", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav")}, args...)...)
	e, err := o.wait("call", "connected", 15*time.Second)
	if err != nil {
		h.b.Fatalf("ours %s: %v", cfg, err)
	}
	m, err := o.wait("media", "flowing", 15*time.Second)
	if err != nil {
		h.b.Fatalf("ours %s: %v", cfg, err)
	}
	if err := o.finish(15 * time.Second); err != nil {
		h.b.Fatalf("ours %s: %v", cfg, err)
	}
	return ms(m.time("at").Sub(e.time("started")))
}

// dtlsICESetup: call start → media flowing with DTLS-SRTP and ICE (STUN
// from coturn), ours and baresip calling the same baresip.
func (s *secure) dtlsICESetup() Row {
	h := s.h
	nat := testlab.BaresipOptions{Kamailio: s.k, Codecs: []string{"pcmu"}, MediaEnc: "dtls_srtp", MediaNAT: "ice", STUNServer: "stun:" + s.turn.Addr, RTCPMux: true}
	callee, caller := nat, nat
	callee.User, caller.User = "bob", "carol"
	bob, carol := testlab.StartBaresip(h.b, callee), testlab.StartBaresip(h.b, caller)
	cfg := s.config(fmt.Sprintf("media_encryption = \"dtls\"\nmedia_encryption_mandatory = true\nstun_server = %q\n", s.turn.Addr))
	var o, t []float64
	for range secureCalls {
		o = append(o, s.flowing(h.bin, cfg, "sip:bob@"+s.k.Domain))
		waitB(h.b, bob, "CALL_CLOSED")
		t0 := time.Now()
		if err := carol.Dial(bob.AOR); err != nil {
			h.b.Fatal(err)
		}
		est := waitB(h.b, carol, "CALL_RTPESTAB")
		time.Sleep(300 * time.Millisecond)
		if err := carol.Hangup(); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_CLOSED")
		waitB(h.b, bob, "CALL_CLOSED")
		t = append(t, ms(est.Time.Sub(t0)))
	}
	return NewRow("Call setup → media flowing, DTLS-SRTP + ICE (PCMU)", "ms",
		"call start → the first decrypted RTP packet from the far end, both callers calling the same baresip (`;mediaenc=dtls_srtp;medianat=ice`, STUN from a loopback coturn) through Kamailio: ours `started` → `media flowing` (`media_encryption = \"dtls\"`, mandatory, `stun_server`); baresip: `dial` sent → CALL_RTPESTAB. Both include gathering (a STUN round trip), the digest challenge, ICE checks and the DTLS handshake.", o, t)
}

// srtpCPU: CPU of an SDES-SRTP call, ours against baresip's, and ours
// against our own plain call in the same run.
func (s *secure) srtpCPU() (Row, Figure) {
	h := s.h
	// Users of their own: the DTLS far ends of the row before stay registered.
	bob := testlab.StartBaresip(h.b, testlab.BaresipOptions{User: "dave", Kamailio: s.k, Codecs: []string{"pcmu"}, MediaEnc: "srtp-mand"})
	carol := testlab.StartBaresip(h.b, testlab.BaresipOptions{User: "erin", Kamailio: s.k, Codecs: []string{"pcmu"}, MediaEnc: "srtp-mand"})
	pid, err := baresipPid(carol.Dir)
	if err != nil {
		h.b.Fatal(err)
	}
	cfg := s.config("media_encryption = \"srtp\"\nmedia_encryption_mandatory = true\nsrtp_over_insecure_signalling = true\n")
	window := *callLen - 200*time.Millisecond
	run := func(cfg, to string) float64 {
		o := h.start("call", to, "--json", "--hangup-after", callLen.String(), "--config", cfg,
			"--codecs", "pcmu", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav"))
		if _, err := o.wait("call", "connected", 10*time.Second); err != nil {
			h.b.Fatal(err)
		}
		c, _, _ := h.measureCall(o.cmd.Process.Pid, window)
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatal(err)
		}
		return c
	}
	var enc, theirs, ratio []float64
	for range *cpuPairs {
		p := run(h.cfg, "sip:bob@"+h.k.Domain)
		h.waitBob("CALL_ESTABLISHED")
		h.waitBob("CALL_CLOSED")
		e := run(cfg, "sip:dave@"+s.k.Domain)
		waitB(h.b, bob, "CALL_CLOSED")
		if err := carol.Dial(bob.AOR); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_ESTABLISHED")
		c, _, _ := h.measureCall(pid, window)
		if err := carol.Hangup(); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_CLOSED")
		waitB(h.b, bob, "CALL_CLOSED")
		enc, theirs = append(enc, e), append(theirs, c)
		if p > 0 {
			ratio = append(ratio, e/p)
		}
	}
	row := NewRow(fmt.Sprintf("CPU per %v call, SDES-SRTP (PCMU)", *callLen), "CPU s",
		fmt.Sprintf("caller process utime+stime over %v of a connected call to a baresip in `;mediaenc=srtp-mand` (AES_CM_128_HMAC_SHA1_80): ours `media_encryption = \"srtp\"` (mandatory), baresip's caller in srtp-mand; %d pairs.", window, *cpuPairs), enc, theirs)
	fig := NewFigure("SRTP CPU cost (ours): SRTP call ÷ plain call (PCMU)", "ratio",
		"per pair, our caller's CPU over the same window on an SDES-SRTP call divided by a plain call made just before it (same program, same codec, same kind of far end).", ratio, 1.10, true)
	return row, fig
}

// turnSetup: how much later media flows when it crosses a TURN relay:
// two of our programs on loopback, with ICE, relay-only against no TURN.
func (s *secure) turnSetup() Figure {
	var added []float64
	for range secureCalls {
		direct := s.pairFlowing("")
		relayed := s.pairFlowing(fmt.Sprintf("turn_server = %q\nturn_username = %q\nturn_password = %q\nice_relay_only = true\n", s.turn.Addr, s.turn.User, s.turn.Pass))
		added = append(added, relayed-direct)
	}
	return NewFigure("Added setup of a TURN relay (ours, ICE relay-only ↔ ICE host)", "ms",
		"two of our programs on loopback calling directly (an `answer` and a `call` process, ICE on both): call start → media flowing with `ice_relay_only` and a loopback coturn, minus the same with host candidates only, pair by pair. It covers the TURN allocation while gathering and the relayed checks.", added, 0, true)
}

// pairFlowing runs one direct call between two of our programs with the
// given media keys on both accounts (ICE always on), and returns the
// caller's call start → media flowing.
func (s *secure) pairFlowing(extra string) float64 {
	h := s.h
	acct := func(name, listen, peer string) string {
		cfg := filepath.Join(h.b.TempDir(), name+".toml")
		toml := fmt.Sprintf("[sip]\nlisten = %q\n\n[[account]]\nname = %q\nusername = %q\npassword = \"unused\"\ndomain = %q\nice = true\nmedia_encryption = \"none\"\n%s", listen, name, name, peer, extra)
		if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
			h.b.Fatal(err)
		}
		return cfg
	}
	answer := startProc(h.b, exec.Command(h.bin, "answer", "--config", acct("bob", "127.0.0.1:0", "127.0.0.1:9"), "--count", "1", "--json",
		"--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "b.wav")))
	l, err := answer.wait("listening", "", 10*time.Second)
	if err != nil {
		h.b.Fatal(err)
	}
	bobAddr := l.str("addr")
	f := s.flowing(h.bin, acct("alice", "127.0.0.1:0", bobAddr), "sip:bob@"+bobAddr, "--account", "alice")
	if err := answer.finish(10 * time.Second); err != nil {
		h.b.Fatal(err)
	}
	return f
}

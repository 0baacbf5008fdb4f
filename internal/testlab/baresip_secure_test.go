package testlab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBaresipMediaOptionsConfig checks what the encryption and NAT options
// write, and that without them the config is what it always was.
func TestBaresipMediaOptionsConfig(t *testing.T) {
	render := func(opts BaresipOptions) (config, account string) {
		t.Helper()
		dir := t.TempDir()
		c := &baresipConfig{dir: dir, sipPort: 5060, ctrlPort: 4444, rtpMin: 20000, rtpMax: 20019,
			source: "/x.wav", srcRate: 48000, srcChans: 1, media: mediaConfigOf(opts)}
		c.accountURI = accountLine(opts, "127.0.0.1:5060", []string{"PCMU/8000/1"}, false)
		if err := c.write(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "config"))
		if err != nil {
			t.Fatal(err)
		}
		return string(data), c.accountURI
	}
	base := BaresipOptions{User: "alice", Transport: "udp", AnswerMode: "auto"}

	config, account := render(base)
	if want := "<sip:alice@127.0.0.1:5060;transport=udp>;regint=0;answermode=auto;audio_codecs=PCMU/8000/1"; account != want {
		t.Errorf("plain account line %q, want %q", account, want)
	}
	for _, m := range []string{"srtp.so", "dtls_srtp.so", "stun.so", "turn.so", "ice.so"} {
		if strings.Contains(config, m) {
			t.Errorf("plain config loads %s", m)
		}
	}
	if !hasConfigLine(config, "rtcp_mux", "no") {
		t.Error("plain config: no 'rtcp_mux no'")
	}

	cases := []struct {
		name        string
		opts        func(*BaresipOptions)
		wantAccount string
		wantModules []string
		rtcpMux     string
	}{
		{"srtp-mand", func(o *BaresipOptions) { o.MediaEnc = "srtp-mand" },
			";mediaenc=srtp-mand", []string{"srtp.so"}, "no"},
		{"dtls+mux", func(o *BaresipOptions) { o.MediaEnc, o.RTCPMux = "dtls_srtp", true },
			";mediaenc=dtls_srtp", []string{"dtls_srtp.so"}, "yes"},
		{"ice+stun", func(o *BaresipOptions) { o.MediaNAT, o.STUNServer = "ice", "stun:127.0.0.1:3478" },
			";medianat=ice;stunserver=stun:127.0.0.1:3478", []string{"stun.so", "turn.so", "ice.so"}, "no"},
		{"turn", func(o *BaresipOptions) {
			o.MediaEnc, o.MediaNAT, o.STUNServer, o.STUNUser, o.STUNPass = "srtp", "turn", "turn:127.0.0.1:3478", "u", "p"
		}, ";mediaenc=srtp;medianat=turn;stunserver=turn:127.0.0.1:3478;stunuser=u;stunpass=p",
			[]string{"srtp.so", "stun.so", "turn.so", "ice.so"}, "no"},
	}
	for _, c := range cases {
		opts := base
		c.opts(&opts)
		if err := checkMediaOptions(opts); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		config, account := render(opts)
		if !strings.HasSuffix(account, c.wantAccount) {
			t.Errorf("%s: account %q, want it to end in %q", c.name, account, c.wantAccount)
		}
		for _, m := range c.wantModules {
			if !hasConfigLine(config, "module", m) {
				t.Errorf("%s: config does not load %s", c.name, m)
			}
		}
		if !hasConfigLine(config, "rtcp_mux", c.rtcpMux) {
			t.Errorf("%s: config has no 'rtcp_mux %s'", c.name, c.rtcpMux)
		}
	}

	for _, bad := range []BaresipOptions{
		{MediaEnc: "zrtp"},
		{MediaNAT: "upnp"},
		{MediaNAT: "ice", STUNServer: "127.0.0.1:3478"},
		{MediaNAT: "turn", STUNServer: "stun:127.0.0.1:3478"},
		{STUNUser: "u"},
		{STUNServer: "turn:127.0.0.1:3478", STUNPass: "p;x"},
	} {
		if err := checkMediaOptions(bad); err == nil {
			t.Errorf("options %+v accepted", bad)
		}
	}
}

func hasConfigLine(config, key, value string) bool {
	for l := range strings.SplitSeq(config, "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == key && f[1] == value {
			return true
		}
	}
	return false
}

// TestBaresipSecureDirect calls between two unregistered baresips with
// encrypted media and checks the offer is really encrypted, the call
// establishes and each side hears the other's tone (so both decrypt).
func TestBaresipSecureDirect(t *testing.T) {
	Require(t, "baresip", "baresip-core")
	cases := []struct {
		name    string
		enc     string
		mux     bool
		wantSDP []string // in the INVITE's offer (the -s trace in the caller's log)
	}{
		{"srtp-mand", "srtp-mand", false, []string{"RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"}},
		{"srtp-mand+rtcp-mux", "srtp-mand", true, []string{"RTP/SAVP 0", "a=crypto:1 ", "a=rtcp-mux"}},
		{"dtls_srtp", "dtls_srtp", false, []string{"UDP/TLS/RTP/SAVPF 0", "a=setup:actpass", "a=fingerprint:sha-256 "}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := BaresipOptions{Codecs: []string{"pcmu"}, Record: true, MediaEnc: c.enc, RTCPMux: c.mux}
			opts.User, opts.ToneHz = "bob", 1000
			bob := StartBaresip(t, opts)
			opts.User, opts.ToneHz = "alice", 440
			alice := StartBaresip(t, opts)
			if err := alice.Dial(bob.AOR); err != nil {
				t.Fatal(err)
			}
			waitEvent(t, bob, "CALL_ESTABLISHED")
			waitEvent(t, alice, "CALL_ESTABLISHED")
			// With DTLS, media flows only after the handshake that follows
			// the answer: CALL_RTPESTAB is the first packet decrypted.
			for _, b := range []*Baresip{alice, bob} {
				if c.enc == "dtls_srtp" {
					if e := waitEvent(t, b, "CALL_MENC"); !strings.Contains(e.Param, "audio") {
						t.Errorf("%s: CALL_MENC %q", b.User, e.Param)
					}
				}
				waitEvent(t, b, "CALL_RTPESTAB")
			}
			talk(t, alice, bob, callAudio)
			log := strings.ToLower(alice.Log())
			for _, s := range c.wantSDP {
				if !strings.Contains(log, strings.ToLower(s)) {
					t.Errorf("alice's offer has no %q", s)
				}
			}
			checkHears(t, alice, 1000)
			checkHears(t, bob, 440)
		})
	}
}

// TestBaresipSRTPMandatoryRefusesClear checks that srtp-mand is enforced:
// a peer without encryption rejects the RTP/SAVP offer.
func TestBaresipSRTPMandatoryRefusesClear(t *testing.T) {
	Require(t, "baresip", "baresip-core")
	bob := StartBaresip(t, BaresipOptions{User: "bob", Codecs: []string{"pcmu"}})
	alice := StartBaresip(t, BaresipOptions{User: "alice", Codecs: []string{"pcmu"}, MediaEnc: "srtp-mand"})
	if err := alice.Dial(bob.AOR); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, alice, "CALL_CLOSED"); e.SIPCode() != 488 {
		t.Errorf("srtp-mand to a clear peer: CALL_CLOSED %q (code %d), want 488", e.Param, e.SIPCode())
	}
}

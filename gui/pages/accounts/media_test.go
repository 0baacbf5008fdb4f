package accounts

import (
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/config"
)

const insecureKeys = "Send keys over unencrypted signalling"

func TestDTLSRequiredSaved(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	if h.page.ed.media.enc.Value != config.EncryptionSRTP {
		t.Error("an account without media_encryption does not show SRTP, the default")
	}
	h.Click("Media encryption DTLS-SRTP")
	h.Click("Media encryption required")
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 1 {
		t.Fatalf("UpdateAccounts calls = %d (errors %q, %q)", len(p.SavedAccounts()), h.Errs, h.Descriptions())
	}
	w := home()
	w.Encryption, w.EncryptionMandatory = config.EncryptionDTLS, true
	if got := p.SavedAccounts()[0]; !slices.EqualFunc(got, []config.Account{office(), w, lab()}, config.Account.Equal) {
		t.Errorf("saved %#v, want %#v", got[1], w)
	}
}

func TestEncryptionOffSaved(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account office")
	h.Click("Media encryption Off")
	h.Click("Save the account")
	if got := p.SavedAccounts(); len(got) != 1 || got[0][0].Encryption != config.EncryptionNone {
		t.Fatalf("saved %v", got)
	}
}

func TestInsecureKeysSwitchOnlyForSRTPWithoutTLS(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home") // UDP, SRTP by default
	shown := func(want bool, when string) {
		t.Helper()
		_, ok := h.Find(insecureKeys)
		_, warned := h.Find("Keys travel in clear SIP: anyone on the path can decrypt the calls")
		if ok != want || warned != want {
			t.Errorf("%s: switch shown %v, warning shown %v, want %v", when, ok, warned, want)
		}
	}
	shown(true, "SRTP over UDP")
	h.Click("Transport TLS")
	shown(false, "SRTP over TLS")
	h.Click("Transport TCP")
	shown(true, "SRTP over TCP")
	h.Click("Media encryption DTLS-SRTP")
	shown(false, "DTLS-SRTP over TCP")
	h.Click("Media encryption Off")
	shown(false, "no encryption")
	h.Click("Media encryption SRTP (SDES)")
	shown(true, "SRTP over TCP again")
	h.Click(insecureKeys)
	h.Click("Save the account")
	w := home()
	w.Transport, w.SRTPOverInsecure = "tcp", true
	if got := p.SavedAccounts(); len(got) != 1 || !got[0][1].Equal(w) {
		t.Errorf("saved %v, want %#v", got, w)
	}

	h.Click("Edit account office") // TLS
	shown(false, "an account on TLS")
}

func TestTURNWithoutUsernameBlocksSave(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	if !h.Must("Relay only").Disabled {
		t.Error("Relay only is enabled without a TURN server")
	}
	h.TypeInto("TURN password", "x")
	h.TypeInto("TURN server", "turn.example.com")
	n, ok := h.FindPrefix("TURN username: ")
	if !ok || !strings.Contains(n.Description, "must be set when turn_server is set") {
		t.Fatalf("no message under the TURN username; have %q", h.Descriptions())
	}
	for _, other := range []string{"TURN server: ", "TURN password: ", "STUN server: "} {
		if n, ok := h.FindPrefix(other); ok {
			t.Errorf("a message under another field: %q", n.Description)
		}
	}
	if !h.Must("Save the account").Disabled {
		t.Error("Save enabled with a TURN server and no username")
	}
	h.Click("Save the account")
	if len(p.SavedAccounts()) != 0 {
		t.Fatal("saved a TURN server without a username")
	}
	if h.Must("Relay only").Disabled {
		t.Error("Relay only stays disabled with a TURN server")
	}

	h.TypeInto(mustPrefix(t, h, "TURN username: "), "alice")
	if _, ok := h.FindPrefix("TURN username: "); ok {
		t.Error("the message stayed after the fix")
	}
	h.TypeInto("STUN server", " stun.example.com:3479 ")
	h.Click("Relay only")
	h.Click("Save the account")
	w := home()
	w.STUNServer, w.TURNServer, w.TURNUsername, w.TURNPassword, w.ICERelayOnly =
		"stun.example.com:3479", "turn.example.com", "alice", "x", true
	if got := p.SavedAccounts(); len(got) != 1 || !got[0][1].Equal(w) {
		t.Errorf("saved %v, want %#v", got, w)
	}
}

func TestSwitchErrorsShown(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.Click("Media encryption required")
	h.Click("Media encryption Off")
	if n, ok := h.FindPrefix("Media encryption required: "); !ok || !strings.Contains(n.Description, "cannot be true") {
		t.Errorf("no message under Required; have %q", h.Descriptions())
	}
	h.Click("Media encryption required")
	if _, ok := h.FindPrefix("Media encryption required: "); ok {
		t.Error("the message stayed once Required was off")
	}

	h.TypeInto("TURN username", "alice")
	h.TypeInto("TURN password", "x")
	h.TypeInto("TURN server", "turn.example.com")
	h.Click("Relay only")
	h.TypeInto(mustPrefix(t, h, "TURN server"), "")
	if n, ok := h.FindPrefix("Relay only: "); !ok || !strings.Contains(n.Description, "needs turn_server") {
		t.Errorf("no message under Relay only; have %q", h.Descriptions())
	}
	// Still on, so still switchable: the user can turn it off.
	h.Click("Relay only")
	if h.Must("Relay only").Selected || !h.Must("Relay only").Disabled {
		t.Error("Relay only is on or enabled after being turned off without a TURN server")
	}
	if h.Must("Save the account").Disabled {
		t.Errorf("Save disabled once fixed; have %q", h.Descriptions())
	}
}

func TestServerErrorUnderTURNServer(t *testing.T) {
	p := setupPhone()
	p.Fail["UpdateAccounts"] = config.Errors{{Field: "account[2].turn_server", Msg: "no such host"}}
	h := newHarness(t, p)
	h.Click("Edit account home")
	h.TypeInto("STUN server", "stun.example.com")
	h.Click("Save the account")
	if _, ok := h.Find("TURN server: no such host"); !ok {
		t.Errorf("the save error is not under the TURN server; have %q", h.Descriptions())
	}
}

func TestTURNPasswordNeverShown(t *testing.T) {
	const secret, typed = "tUrN-s3cret-42", "n3w-tUrN-pw"
	p := setupPhone()
	a := home()
	a.TURNServer, a.TURNUsername, a.TURNPassword = "turn.example.com", "1001", secret
	p.Cfg.Accounts[1] = a
	h := newHarness(t, p)
	h.Click("Edit account home")
	if got := h.page.ed.f[fTURNPass].ed.Text(); got != secret {
		t.Fatalf("the TURN password field holds %q", got)
	}
	leaks := func(when string, pws ...string) {
		t.Helper()
		if h.page.ed.f[fTURNPass].ed.Mask == 0 {
			t.Errorf("%s: the TURN password is not masked", when)
		}
		for _, s := range append(h.Texts(), h.Descriptions()...) {
			for _, pw := range pws {
				if strings.Contains(s, pw) {
					t.Errorf("%s: %q shows the TURN password", when, s)
				}
			}
		}
	}
	leaks("opened", secret)
	// With messages showing, on the username and the password's own field.
	h.TypeInto("TURN username", "")
	h.TypeInto("TURN password", typed)
	if _, ok := h.FindPrefix("TURN username: "); !ok {
		t.Fatal("no message under the emptied TURN username")
	}
	leaks("typed", secret, typed)
	h.Click("Show TURN password")
	if h.page.ed.f[fTURNPass].ed.Mask != 0 {
		t.Error("Show TURN password did not unmask")
	}
	if h.page.ed.f[fPass].ed.Mask == 0 {
		t.Error("Show TURN password unmasked the account's password")
	}
	h.Click("Hide TURN password")
	leaks("hidden again", secret, typed)
}

// TestMediaRoundTrip opens and saves accounts with every media setting
// (a keyring one whose TURN password was not read among them): nothing
// changes.
func TestMediaRoundTrip(t *testing.T) {
	off := false
	o := office()
	o.Media = config.Media{Encryption: config.EncryptionDTLS, EncryptionMandatory: true,
		STUNServer: "stun.example.com", TURNServer: "turn.example.com:3479", TURNUsername: " alice ",
		TURNPassword: " pw with spaces ", ICERelayOnly: true}
	hm := home()
	hm.Media = config.Media{Encryption: config.EncryptionSRTP, SRTPOverInsecure: true,
		STUNServer: "198.18.0.1:3478", ICE: &off}
	l := lab()
	l.Transport = "tls"
	l.PasswordStore = config.PasswordInKeyring
	l.Media = config.Media{Encryption: config.EncryptionSRTP, SRTPOverInsecure: true, // kept, though TLS needs none
		TURNServer: "turn.lab", TURNUsername: "bob"}
	for i, a := range []config.Account{o, hm, l} {
		t.Run(a.Name, func(t *testing.T) {
			p := setupPhone()
			p.Cfg.Accounts = []config.Account{o, hm, l}
			h := newHarness(t, p)
			h.Click("Edit account " + a.Name)
			h.Click("Save the account")
			got := p.SavedAccounts()
			if len(got) != 1 {
				t.Fatalf("UpdateAccounts calls = %d (descriptions %q)", len(got), h.Descriptions())
			}
			if !got[0][i].Equal(a) {
				t.Errorf("saved\n%#v\nwant\n%#v", got[0][i], a)
			}
			if ice := got[0][i].ICE; (ice == nil) != (a.ICE == nil) || ice != nil && *ice != *a.ICE {
				t.Errorf("ICE %v, want %v", ice, a.ICE)
			}
		})
	}
}

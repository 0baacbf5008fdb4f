package config

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// allMedia sets every Media key to a value other than its default.
const allMedia = `[[account]]
name = "a"
username = "a"
domain = "example.com"
media_encryption = "dtls"
media_encryption_mandatory = true
srtp_over_insecure_signalling = true
stun_server = "stun.example.com"
turn_server = "[2001:db8::1]:3479"
turn_username = "alice"
turn_password = "turn-pw"
ice = false
`

func TestDecodeMedia(t *testing.T) {
	a := mustParse(t, allMedia).Accounts[0]
	off := false
	want := Media{Encryption: EncryptionDTLS, EncryptionMandatory: true, SRTPOverInsecure: true,
		STUNServer: "stun.example.com", TURNServer: "[2001:db8::1]:3479", TURNUsername: "alice", TURNPassword: "turn-pw", ICE: &off}
	if !reflect.DeepEqual(a.Media, want) {
		t.Errorf("Media = %#v\nwant %#v", a.Media, want)
	}
	if a.ICEOn() {
		t.Error("ice = false with servers: ICEOn() = true")
	}
	if got := a.STUNAddr(); got != "stun.example.com:3478" {
		t.Errorf("STUNAddr = %q", got)
	}
	if got := a.TURNAddr(); got != "[2001:db8::1]:3479" {
		t.Errorf("TURNAddr = %q", got)
	}
	if a.OffersSDESKeys() {
		t.Error("dtls account offers SDES keys")
	}
}

// TestMediaDefaults: a file without any media key gets SRTP (keys over
// TLS only), optional, no servers and no ICE.
func TestMediaDefaults(t *testing.T) {
	a := mustParse(t, acct).Accounts[0]
	if !reflect.DeepEqual(a.Media, Media{Encryption: EncryptionSRTP}) {
		t.Errorf("Media = %#v, want only Encryption = srtp", a.Media)
	}
	if a.ICEOn() || a.STUNAddr() != "" || a.TURNAddr() != "" {
		t.Errorf("ICEOn %v, STUNAddr %q, TURNAddr %q", a.ICEOn(), a.STUNAddr(), a.TURNAddr())
	}
	if a.OffersSDESKeys() {
		t.Error("udp account offers SDES keys by default")
	}
	if !mustParse(t, acct+"transport = \"TLS\"\n").Accounts[0].OffersSDESKeys() {
		t.Error("tls account does not offer SDES keys by default")
	}
	if got := mustParse(t, acct+"media_encryption = \"DTLS\"\n").Accounts[0].Encryption; got != EncryptionDTLS {
		t.Errorf("media_encryption = \"DTLS\" gave %q", got)
	}
	// An account made by a program, not yet saved.
	if (Media{}).EncryptionMode() != EncryptionSRTP || !(Account{Transport: "tls"}).OffersSDESKeys() {
		t.Error("unset Encryption does not mean srtp")
	}
}

func TestOffersSDESKeys(t *testing.T) {
	for _, tt := range []struct {
		enc, transport string
		insecure, want bool
	}{
		{EncryptionSRTP, "tls", false, true},
		{EncryptionSRTP, "udp", false, false},
		{EncryptionSRTP, "tcp", false, false},
		{EncryptionSRTP, "udp", true, true},
		{EncryptionSRTP, "tcp", true, true},
		{EncryptionDTLS, "tls", true, false},
		{EncryptionNone, "tls", true, false},
	} {
		a := Account{Transport: tt.transport, Media: Media{Encryption: tt.enc, SRTPOverInsecure: tt.insecure}}
		if got := a.OffersSDESKeys(); got != tt.want {
			t.Errorf("%s over %s (insecure allowed %v): OffersSDESKeys = %v", tt.enc, tt.transport, tt.insecure, got)
		}
	}
}

// TestICEDefault: ICE follows the servers unless set otherwise, and an
// explicit value equal to the default is the same as none.
func TestICEDefault(t *testing.T) {
	for _, tt := range []struct {
		src          string
		on, explicit bool
	}{
		{"", false, false},
		{"stun_server = \"stun.example.com:19302\"\n", true, false},
		{"turn_server = \"turn.example.com\"\nturn_username = \"u\"\nturn_password = \"p\"\n", true, false},
		{"ice = true\n", true, true},
		{"ice = false\n", false, false},
		{"stun_server = \"198.18.0.1\"\nice = false\n", false, true},
		{"stun_server = \"198.18.0.1\"\nice = true\n", true, false},
	} {
		a := mustParse(t, acct+tt.src).Accounts[0]
		if a.ICEOn() != tt.on || (a.ICE != nil) != tt.explicit {
			t.Errorf("%q: ICEOn %v, ICE set %v; want %v, %v", tt.src, a.ICEOn(), a.ICE != nil, tt.on, tt.explicit)
		}
	}
}

func TestMediaProblems(t *testing.T) {
	turn := "turn_server = \"turn.example.com\"\n"
	tests := []struct {
		name, src string
		want      []want
	}{
		{"encryption", acct + "media_encryption = \"zrtp\"\n", []want{{5, "account[1].media_encryption", `must be one of none, srtp, dtls (got "zrtp")`}}},
		{"encryption type", acct + "media_encryption = true\n", []want{{5, "account[1].media_encryption", "must be a string"}}},
		{"mandatory none", acct + "media_encryption = \"none\"\nmedia_encryption_mandatory = true\n",
			[]want{{6, "account[1].media_encryption_mandatory", `cannot be true with media_encryption = "none"`}}},
		{"mandatory type", acct + "media_encryption_mandatory = \"yes\"\n", []want{{5, "account[1].media_encryption_mandatory", "must be true or false"}}},
		{"insecure type", acct + "srtp_over_insecure_signalling = 1\n", []want{{5, "account[1].srtp_over_insecure_signalling", "must be true or false"}}},
		{"ice type", acct + "ice = \"auto\"\n", []want{{5, "account[1].ice", "must be true or false"}}},
		{"stun uri", acct + "stun_server = \"stun:stun.example.com\"\n", []want{{5, "account[1].stun_server", "not a URI"}}},
		{"stun port", acct + "stun_server = \"stun.example.com:0\"\n", []want{{5, "account[1].stun_server", "between 1 and 65535"}}},
		{"stun ipv6", acct + "stun_server = \"::1\"\n", []want{{5, "account[1].stun_server", "enclosed in brackets"}}},
		{"stun empty port", acct + "stun_server = \"stun.example.com:\"\n", []want{{5, "account[1].stun_server", "missing port"}}},
		{"turn host", acct + "turn_server = \"turn_.example.com\"\nturn_username = \"u\"\nturn_password = \"p\"\n",
			[]want{{5, "account[1].turn_server", "invalid character"}}},
		{"turn without credentials", acct + turn, []want{
			{1, "account[1].turn_username", "must be set when turn_server is set"},
			{1, "account[1].turn_password", "must be set when turn_server is set"}}},
		{"turn without password", acct + turn + "turn_username = \"u\"\n", []want{{1, "account[1].turn_password", "must be set when turn_server is set"}}},
		{"turn username LF", acct + "turn_username = \"u\\nv\"\n", []want{{5, "account[1].turn_username", "control characters"}}},
		{"turn password in file and keyring", acct + "password_store = \"keyring\"\nturn_password = \"" + marker + "\"\n",
			[]want{{6, "account[1].turn_password", "must be absent when password_store"}}},
		{"typo", acct + "turn_pasword = \"x\"\n", []want{{5, "account[1].turn_pasword", `did you mean "turn_password"?`}}},
		{"typo 2", acct + "media_encription = \"x\"\n", []want{{5, "account[1].media_encription", `did you mean "media_encryption"?`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := parseErrors(t, tt.src)
			checkErrors(t, errs, tt.want...)
			assertNoSecret(t, "error", errs.Error())
		})
	}
	// A keyring account's TURN password is not in the file.
	mustParse(t, acct+"password_store = \"keyring\"\n"+turn+"turn_username = \"u\"\n")
	// Credentials without a server are kept, unused.
	mustParse(t, acct+"turn_username = \"u\"\nturn_password = \"p\"\n")
}

func TestCheckAccountMedia(t *testing.T) {
	a := Account{Name: "a", Username: "a", Domain: "example.com", Transport: "udp", Expires: 600, Enabled: true}
	a.Encryption = "rot13"
	a.TURNServer = "turns:turn.example.com"
	msgs := CheckAccount(a, nil)
	for _, key := range []string{"media_encryption", "turn_server", "turn_username", "turn_password"} {
		if msgs[key] == "" {
			t.Errorf("CheckAccount: no problem for %s: %q", key, msgs)
		}
	}
	if len(msgs) != 4 {
		t.Errorf("CheckAccount = %q", msgs)
	}
	a.Encryption, a.TURNServer, a.TURNUsername, a.TURNPassword = "", "turn.example.com:443", "u", "p"
	if msgs := CheckAccount(a, nil); len(msgs) != 0 {
		t.Errorf("CheckAccount(valid) = %q", msgs)
	}
}

// TestMediaRenderRoundTrip: parse → render → parse gives the same
// config, and render writes only what differs from the defaults.
func TestMediaRenderRoundTrip(t *testing.T) {
	srcs := map[string]string{
		"all":      allMedia,
		"none":     acct,
		"ice on":   acct + "ice = true\n",
		"ice auto": acct + "stun_server = \"198.18.0.1:3478\"\nice = true\n",
		"sdes udp": acct + "media_encryption = \"srtp\"\nsrtp_over_insecure_signalling = true\n",
		"plain":    acct + "media_encryption = \"none\"\n",
	}
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			cfg := mustParse(t, src)
			out, err := render("config.toml", nil, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got := mustParse(t, string(out))
			if !reflect.DeepEqual(got, cfg) {
				t.Errorf("reparsed %#v\nwant %#v\nfrom:\n%s", got.Accounts, cfg.Accounts, out)
			}
			text := string(out)
			if name == "none" || name == "ice auto" {
				for _, key := range []string{"media_encryption", "srtp_over", "ice =", "turn_"} {
					if strings.Contains(text, key) {
						t.Errorf("default %s written:\n%s", key, text)
					}
				}
			}
			if name == "all" && !strings.Contains(text, "ice = false\n") {
				t.Errorf("explicit ice = false lost:\n%s", text)
			}
		})
	}
}

// TestSaveMediaRoundTrip: an unchanged file is written back byte for
// byte, a block gains only the keys that differ from their defaults, and
// ice follows its default as the servers come and go: an ice line is
// removed when it would say otherwise.
func TestSaveMediaRoundTrip(t *testing.T) {
	c := mustLoad(t, writeFile(t, t.TempDir(), allMedia))
	clone := c.Clone()
	saveAndCheck(t, &clone, allMedia)

	dir := t.TempDir()
	path := writeFile(t, dir, acct)
	c = mustLoad(t, path)
	steps := []struct {
		name  string
		edit  func(m *Media)
		lines []string // what the block holds after acct
		ice   bool
	}{
		{"stun turns ice on", func(m *Media) { m.STUNServer = "stun.example.com" }, []string{`stun_server = "stun.example.com"`}, true},
		{"ice off", func(m *Media) { off := false; m.ICE = &off }, []string{`stun_server = "stun.example.com"`, "ice = false"}, false},
		{"ice explicit on is the default", func(m *Media) { on := true; m.ICE = &on }, []string{`stun_server = "stun.example.com"`}, true},
		{"no stun, ice on", func(m *Media) { on := true; m.STUNServer, m.ICE = "", &on }, []string{"ice = true"}, true},
		// The ice line still says what is in force: it stays.
		{"stun back", func(m *Media) { m.STUNServer, m.ICE = "198.18.0.7", nil }, []string{"ice = true", `stun_server = "198.18.0.7"`}, true},
		{"encryption", func(m *Media) { m.Encryption, m.EncryptionMandatory = EncryptionDTLS, true },
			[]string{"ice = true", `stun_server = "198.18.0.7"`, `media_encryption = "dtls"`, "media_encryption_mandatory = true"}, true},
		{"back to defaults", func(m *Media) { *m = Media{} }, []string{`media_encryption = "srtp"`, "media_encryption_mandatory = false"}, false},
	}
	for _, s := range steps {
		s.edit(&c.Accounts[0].Media)
		if err := c.Save(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := mustLoad(t, path); !reflect.DeepEqual(got, c) {
			t.Errorf("%s: Load after Save = %#v\nwant %#v", s.name, got.Accounts, c.Accounts)
		}
		if want := acct + strings.Join(s.lines, "\n") + "\n"; readString(t, path) != want {
			t.Errorf("%s: file\n%s\nwant\n%s", s.name, readString(t, path), want)
		}
		if c.Accounts[0].ICEOn() != s.ice {
			t.Errorf("%s: ICEOn = %v", s.name, c.Accounts[0].ICEOn())
		}
	}
}

// TestSaveMediaNewAccount: an account added by the program gets the
// default encryption and is written with its media settings.
func TestSaveMediaNewAccount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	c := &Config{Path: path}
	c.Accounts = append(c.Accounts, Account{Name: "desk", Username: "desk", Domain: "pbx.example", Expires: DefaultExpires, Enabled: true,
		Media: Media{TURNServer: "turn.example.com", TURNUsername: "desk", TURNPassword: "p"}})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if m := c.Accounts[0].Media; m.Encryption != EncryptionSRTP || !m.ICEOn() || m.ICE != nil {
		t.Errorf("normalized media %#v", m)
	}
	if got := mustLoad(t, path); !reflect.DeepEqual(got, c) {
		t.Errorf("read back %#v\nwant %#v\n%s", got.Accounts, c.Accounts, readString(t, path))
	}
}

func TestICERelayOnly(t *testing.T) {
	base := "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"example.com\"\n"
	a := mustParse(t, base+"turn_server = \"turn.example.com\"\nturn_username = \"u\"\nturn_password = \"p\"\nice_relay_only = true\n").Accounts[0]
	if !a.ICERelayOnly || !a.ICEOn() {
		t.Fatalf("relay only %v, ICE %v", a.ICERelayOnly, a.ICEOn())
	}
	if _, err := Parse("x.toml", []byte(base+"ice_relay_only = true\n")); err == nil || !strings.Contains(err.Error(), "ice_relay_only") {
		t.Fatalf("relay only without a TURN server: %v", err)
	}
}

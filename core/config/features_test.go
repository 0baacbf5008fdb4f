package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// allFeatures sets every Features key and the recording settings.
const allFeatures = `[audio]
record_dir = "rec"
record_channels = "mixed"

[[account]]
name = "a"
username = "a"
domain = "example.com"
dnd = true
busy_when_in_call = true
forward_always = "sip:carol@example.org"
forward_busy = "2000"
forward_no_answer = "tel:+4930123456"
forward_no_answer_after = 15
auto_answer = true
answer_after_hints = true
voicemail = "*97"
mwi = false
presence = true
`

func TestDecodeFeatures(t *testing.T) {
	dir := t.TempDir()
	cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(allFeatures))
	if err != nil {
		t.Fatal(err)
	}
	want := Features{
		DND: true, BusyWhenInCall: true,
		ForwardAlways: "sip:carol@example.org", ForwardBusy: "2000", ForwardNoAnswer: "tel:+4930123456", ForwardNoAnswerAfter: 15,
		AutoAnswer: true, AnswerAfterHints: true, Voicemail: "*97", NoMWI: true, Presence: true,
	}
	if got := cfg.Accounts[0].Features; got != want {
		t.Errorf("Features = %+v\nwant %+v", got, want)
	}
	if got := cfg.Accounts[0].NoAnswerDelay(); got != 15*time.Second {
		t.Errorf("NoAnswerDelay = %v", got)
	}
	if !cfg.Accounts[0].Forwarding() {
		t.Error("Forwarding() = false")
	}
	if a := cfg.Audio; a.RecordDir != filepath.Join(dir, "rec") || a.RecordChannels != RecordMixed {
		t.Errorf("Audio = %+v, want record_dir resolved against the file's directory", a)
	}
}

func TestFeaturesDefaults(t *testing.T) {
	cfg := mustParse(t, acct)
	f := cfg.Accounts[0].Features
	if f != (Features{}) {
		t.Errorf("Features = %+v, want zero (mwi on)", f)
	}
	if f.NoAnswerDelay() != DefaultNoAnswerAfter*time.Second || f.Forwarding() {
		t.Errorf("NoAnswerDelay %v, Forwarding %v", f.NoAnswerDelay(), f.Forwarding())
	}
	if got := mustParse(t, acct+"mwi = true\n").Accounts[0].NoMWI; got {
		t.Error("mwi = true gave NoMWI")
	}
	if a := mustParse(t, "").Audio; a.RecordDir != "" || a.RecordChannels != "" {
		t.Errorf("Audio = %+v", a)
	}
}

func TestFeaturesProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      want
	}{
		{"dnd string", acct + "dnd = \"yes\"\n", want{5, "account[1].dnd", "must be true or false"}},
		{"mwi int", acct + "mwi = 1\n", want{5, "account[1].mwi", "must be true or false"}},
		{"after string", acct + "forward_no_answer_after = \"20\"\n", want{5, "account[1].forward_no_answer_after", "must be an integer"}},
		{"after negative", acct + "forward_no_answer_after = -1\n", want{5, "account[1].forward_no_answer_after", "between"}},
		{"after too long", acct + "forward_no_answer_after = 601\n", want{5, "account[1].forward_no_answer_after", "(got 601)"}},
		{"forward CRLF", acct + "forward_always = \"sip:a@b\\r\\nX-Evil: 1\"\n", want{5, "account[1].forward_always", "control characters"}},
		{"forward angle", acct + "forward_busy = \"<sip:a@b>\"\n", want{5, "account[1].forward_busy", "angle brackets"}},
		{"forward space", acct + "forward_no_answer = \"20 00\"\n", want{5, "account[1].forward_no_answer", "without spaces"}},
		{"forward comma", acct + "forward_always = \"sip:a@b,sip:c@d\"\n", want{5, "account[1].forward_always", "commas"}},
		{"forward scheme", acct + "forward_always = \"http://x@y\"\n", want{5, "account[1].forward_always", "sip:, sips: or tel:"}},
		{"forward empty uri", acct + "forward_always = \"sip:\"\n", want{5, "account[1].forward_always", "nothing after"}},
		{"forward empty tel", acct + "forward_busy = \"tel:\"\n", want{5, "account[1].forward_busy", "nothing after"}},
		{"forward no host", acct + "forward_always = \"sip:bob@\"\n", want{5, "account[1].forward_always", "user@host"}},
		{"forward no user", acct + "forward_always = \"@example.com\"\n", want{5, "account[1].forward_always", "user@host"}},
		{"voicemail quote", acct + "voicemail = \"*9\\\"7\"\n", want{5, "account[1].voicemail", "quotes"}},
		{"record_channels", "[audio]\nrecord_channels = \"stereo\"\n", want{2, "audio.record_channels", `must be "separate" or "mixed" (got "stereo")`}},
		{"record_dir LF", "[audio]\nrecord_dir = \"a\\nb\"\n", want{2, "audio.record_dir", "control characters"}},
		{"unknown feature", acct + "forward_allways = \"x\"\n", want{5, "account[1].forward_allways", "unknown key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

func TestFeaturesValidTargets(t *testing.T) {
	for _, target := range []string{"2000", "+4930123456", "*97", "bob", "bob@example.org", "sip:bob@example.org",
		"sips:bob@example.org:5061", "sip:bob@10.0.0.2:5070;transport=tcp", "tel:+4930123456", "10.0.0.2:5070", "sip:example.org"} {
		src := acct + "forward_always = \"" + target + "\"\nvoicemail = \"" + target + "\"\n"
		if _, err := Parse("config.toml", []byte(src)); err != nil {
			t.Errorf("%q: %v", target, err)
		}
	}
	for _, after := range []int{0, 1, 600} {
		mustParse(t, acct+"forward_no_answer_after = "+strconv.Itoa(after)+"\n")
	}
}

// TestCheckAccountFeatures: the account editor's inline check covers the
// features too.
func TestCheckAccountFeatures(t *testing.T) {
	a := Account{Name: "a", Username: "a", Domain: "example.com", Transport: "udp", Expires: 600, Enabled: true}
	a.ForwardBusy = "sip:x@y\r\nVia: evil"
	a.ForwardNoAnswerAfter = 9999
	msgs := CheckAccount(a, nil)
	if !strings.Contains(msgs["forward_busy"], "control") || !strings.Contains(msgs["forward_no_answer_after"], "600") || len(msgs) != 2 {
		t.Errorf("CheckAccount = %q", msgs)
	}
	a.ForwardBusy, a.ForwardNoAnswerAfter = "sip:x@y", 30
	if msgs := CheckAccount(a, nil); len(msgs) != 0 {
		t.Errorf("CheckAccount(valid) = %q", msgs)
	}
}

// TestSaveFeaturesRoundTrip: every key survives Save and Load, an
// unchanged file is written back byte for byte, and a toggle touches one
// line.
func TestSaveFeaturesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := mustLoad(t, writeFile(t, dir, allFeatures))
	clone := c.Clone()
	saveAndCheck(t, &clone, allFeatures)

	// Do not disturb off: written as false where it was (the key was there).
	c.Accounts[0].DND = false
	saveAndCheck(t, c, strings.Replace(allFeatures, "dnd = true", "dnd = false", 1))

	// A block without the keys gets them added when they differ from the
	// defaults, and only those.
	path := writeFile(t, t.TempDir(), acct)
	c = mustLoad(t, path)
	c.Accounts[0].DND = true
	c.Accounts[0].ForwardNoAnswer = "sip:vm@example.com"
	c.Accounts[0].ForwardNoAnswerAfter = 30
	c.Accounts[0].NoMWI = true
	c.Audio.RecordChannels = RecordSeparate
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got := mustLoad(t, path)
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Load after Save = %+v\nwant %+v", got, c)
	}
	text := readString(t, path)
	for _, line := range []string{"dnd = true\n", "forward_no_answer = \"sip:vm@example.com\"\n", "forward_no_answer_after = 30\n",
		"mwi = false\n", "record_channels = \"separate\"\n"} {
		if strings.Count(text, line) != 1 {
			t.Errorf("saved file lacks %q:\n%s", line, text)
		}
	}
	for _, key := range []string{"busy_when_in_call", "forward_always", "auto_answer", "presence", "voicemail", "record_dir"} {
		if strings.Contains(text, key) {
			t.Errorf("saved file has default key %s:\n%s", key, text)
		}
	}

	// Back to the defaults: the keys that were added are dropped or say so.
	c.Accounts[0].Features = Features{}
	c.Audio.RecordChannels = ""
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if got := mustLoad(t, path); !reflect.DeepEqual(got, c) {
		t.Errorf("Load after reset = %+v\nwant %+v", got, c)
	}
	t.Logf("after reset:\n%s", readString(t, path))
}

// TestSaveFeaturesNewAccount: an account added by the program is written
// with its features, and reads back the same.
func TestSaveFeaturesNewAccount(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := mustLoad(t, path)
	a := Account{Name: "desk", Username: "desk", Domain: "pbx.example", Transport: "udp", Expires: DefaultExpires, Enabled: true,
		Features: Features{AutoAnswer: true, AnswerAfterHints: true, ForwardBusy: "2000", Presence: true, Voicemail: "*97"}}
	c.Accounts = append(c.Accounts, a)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got := mustLoad(t, path)
	if len(got.Accounts) != 1 || got.Accounts[0].Features != a.Features {
		t.Errorf("read back %+v, want features %+v\n%s", got.Accounts, a.Features, readString(t, path))
	}
}

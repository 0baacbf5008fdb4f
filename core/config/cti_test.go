package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

// ctiSecret is a webhook secret holding the marker every leak check looks for.
const ctiSecret = marker + "-0123456789abcdef"

const ctiFile = `# CTI for everyone
[cti]
popup_url = "https://crm.example.com/lookup?n={number}&who={name}&acct={account}&id={call_id}&d={direction}&r={raw}"
popup_on = "Answer"
on_ring = ["/usr/local/bin/ring", "--quiet"]
on_missed = ["notify-send", "Missed call"]
hook_timeout = 20
webhook_url = "https://hooks.example.com/softphone"
webhook_secret = "` + ctiSecret + `"
country_code = "44"

[[account]]
name = "sales"
username = "s"
domain = "example.com"
# the sales CRM
popup_url = "http://sales.example.com/{number}"
on_ring = ["sales-ring"]
hook_timeout = 5
country_code = "1"

[[account]]
name = "plain"
username = "p"
domain = "example.com"
`

func TestDecodeCTI(t *testing.T) {
	cfg := mustParse(t, ctiFile)
	want := CTI{
		PopupURL: "https://crm.example.com/lookup?n={number}&who={name}&acct={account}&id={call_id}&d={direction}&r={raw}",
		PopupOn:  PopupOnAnswer, OnRing: []string{"/usr/local/bin/ring", "--quiet"}, OnMissed: []string{"notify-send", "Missed call"},
		HookTimeout: 20, WebhookURL: "https://hooks.example.com/softphone", WebhookSecret: ctiSecret, CountryCode: "44",
	}
	if !reflect.DeepEqual(cfg.CTI, want) {
		t.Errorf("[cti] = %#v\nwant %#v", cfg.CTI, want)
	}
	sales := CTI{PopupURL: "http://sales.example.com/{number}", OnRing: []string{"sales-ring"}, HookTimeout: 5, CountryCode: "1"}
	if got := cfg.Accounts[0].CTI; !reflect.DeepEqual(got, sales) {
		t.Errorf("account CTI = %#v\nwant %#v", got, sales)
	}
	if got := cfg.Accounts[1].CTI; !reflect.DeepEqual(got, CTI{}) {
		t.Errorf("plain account CTI = %#v, want zero", got)
	}
}

func TestCTIFor(t *testing.T) {
	cfg := mustParse(t, ctiFile)
	merged := cfg.CTI
	merged.PopupURL, merged.OnRing, merged.HookTimeout, merged.CountryCode = "http://sales.example.com/{number}", []string{"sales-ring"}, 5, "1"
	if got := cfg.CTIFor("sales"); !reflect.DeepEqual(got, merged) {
		t.Errorf("CTIFor(sales) = %#v\nwant %#v", got, merged)
	}
	for _, name := range []string{"plain", "", "nobody"} {
		if got := cfg.CTIFor(name); !reflect.DeepEqual(got, cfg.CTI) {
			t.Errorf("CTIFor(%q) = %#v\nwant [cti] %#v", name, got, cfg.CTI)
		}
	}
	// The result is a copy: changing it leaves the configuration alone.
	got := cfg.CTIFor("sales")
	got.OnRing[0], got.OnMissed[0] = "x", "y"
	if cfg.Accounts[0].OnRing[0] != "sales-ring" || cfg.CTI.OnMissed[0] != "notify-send" {
		t.Error("CTIFor shares its slices with the configuration")
	}
	if d := (CTI{}); d.PopupTrigger() != PopupOnRing || d.HookDeadline().Seconds() != DefaultHookTimeout {
		t.Errorf("defaults: popup on %q, hook deadline %v", d.PopupTrigger(), d.HookDeadline())
	}
}

func TestCTIProblems(t *testing.T) {
	sec := "webhook_secret = \"" + ctiSecret + "\"\n"
	tests := []struct {
		name, src string
		want      want
	}{
		{"popup scheme", "[cti]\npopup_url = \"ftp://x/{number}\"\n", want{2, "cti.popup_url", "http:// or https://"}},
		{"popup javascript", "[cti]\npopup_url = \"javascript:alert({number})\"\n", want{2, "cti.popup_url", "http:// or https://"}},
		{"popup unknown placeholder", "[cti]\npopup_url = \"https://x/{nmber}\"\n", want{2, "cti.popup_url", "unknown placeholder {nmber}"}},
		{"popup open brace", "[cti]\npopup_url = \"https://x/{number\"\n", want{2, "cti.popup_url", "'{' without its '}'"}},
		{"popup no host", "[cti]\npopup_url = \"https:///{number}\"\n", want{2, "cti.popup_url", "no host"}},
		{"popup LF", "[cti]\npopup_url = \"https://x/\\n\"\n", want{2, "cti.popup_url", "control characters"}},
		{"popup_on", "[cti]\npopup_on = \"hangup\"\n", want{2, "cti.popup_on", `must be "ring" or "answer"`}},
		{"hook empty command", "[cti]\non_ring = [\"\", \"x\"]\n", want{2, "cti.on_ring", "command to run"}},
		{"hook NUL", "[cti]\non_hangup = [\"sh\", \"a\\u0000b\"]\n", want{2, "cti.on_hangup", "element 2 must not contain NUL"}},
		{"hook string", "[cti]\non_answer = \"notify-send\"\n", want{2, "cti.on_answer", "must be an array of strings"}},
		{"hook_timeout", "[cti]\nhook_timeout = 301\n", want{2, "cti.hook_timeout", "(got 301)"}},
		{"hook_timeout negative", "[cti]\nhook_timeout = -1\n", want{2, "cti.hook_timeout", "between 1 and 300"}},
		{"webhook scheme", "[cti]\nwebhook_url = \"tcp://x\"\n" + sec, want{2, "cti.webhook_url", "http:// or https://"}},
		{"webhook no secret", "[cti]\nwebhook_url = \"https://x\"\n", want{1, "cti.webhook_secret", "must be set when webhook_url is set"}},
		{"webhook short secret", "[cti]\nwebhook_url = \"https://x\"\nwebhook_secret = \"" + marker + "\"\n", want{3, "cti.webhook_secret", "at least 16 characters"}},
		{"account webhook no secret", acct + "webhook_url = \"https://x\"\n", want{1, "account[1].webhook_secret", "(here or in [cti])"}},
		{"country_code plus", "[cti]\ncountry_code = \"+44\"\n", want{2, "cti.country_code", "1 to 3 digits"}},
		{"country_code long", acct + "country_code = \"4444\"\n", want{5, "account[1].country_code", "1 to 3 digits"}},
		{"unknown cti key", "[cti]\npopup_ur = \"x\"\n", want{2, "cti.popup_ur", `unknown key (did you mean "popup_url"?)`}},
		{"cti not a table", "cti = 1\n", want{1, "cti", "must be a table"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

func TestCTIAccountInheritsSecret(t *testing.T) {
	src := "[cti]\nwebhook_secret = \"" + ctiSecret + "\"\n\n" + acct + "webhook_url = \"https://x.example/hook\"\n"
	cfg := mustParse(t, src)
	if c := cfg.CTIFor("a"); c.WebhookURL != "https://x.example/hook" || c.WebhookSecret != ctiSecret {
		t.Errorf("CTIFor(a) = %#v", c)
	}
	// An account checked alone cannot know [cti]: the secret is not required.
	a := cfg.Accounts[0]
	if msgs := CheckAccount(a, nil); len(msgs) != 0 {
		t.Errorf("CheckAccount = %v", msgs)
	}
	a.OnRing = []string{""}
	if msgs := CheckAccount(a, nil); !strings.Contains(msgs["on_ring"], "command to run") {
		t.Errorf("CheckAccount = %v", msgs)
	}
}

func TestCTIPopupPlaceholders(t *testing.T) {
	for _, u := range []string{"https://x/{number}{raw}{name}{account}{call_id}{direction}", "http://{account}.crm.example:8080/", "https://x/?q=1"} {
		mustParse(t, "[cti]\npopup_url = \""+u+"\"\n")
	}
}

// TestCTIRoundTrip: Save keeps the comments, writes new keys where they
// belong, and reads back equal.
func TestCTIRoundTrip(t *testing.T) {
	c := mustLoad(t, writeFile(t, t.TempDir(), ctiFile))
	c.CTI.OnHangup = []string{"logger", "-t", "softphone", `quote " and \ back`}
	c.CTI.PopupOn = ""
	c.Accounts[1].WebhookURL = "https://plain.example/hook"
	c.Accounts[1].WebhookSecret = "another-secret-of-16+"
	c.Accounts[0].OnRing = nil
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	text := readString(t, c.Path)
	for _, s := range []string{"# CTI for everyone\n[cti]\n", "# the sales CRM\npopup_url", `on_hangup = ["logger", "-t", "softphone", "quote \" and \\ back"]`} {
		if !strings.Contains(text, s) {
			t.Errorf("saved file lacks %q:\n%s", s, text)
		}
	}
	for _, s := range []string{"popup_on", "sales-ring"} {
		if strings.Contains(text, s) {
			t.Errorf("saved file still has %q:\n%s", s, text)
		}
	}
	if got := mustLoad(t, c.Path); !reflect.DeepEqual(got, c) {
		t.Errorf("Load after Save differs in %s\n%s", diffConfig(got, c), text)
	}

	// A new [cti] and [api] in a file that had neither.
	n := mustLoad(t, writeFile(t, t.TempDir(), "# mine\n\n"+acct))
	n.CTI = CTI{OnMissed: []string{"m"}, CountryCode: "33"}
	n.API = API{Listen: "127.0.0.1:8089"}
	saveAndCheck(t, n, "# mine\n\n[cti]\non_missed = [\"m\"]\ncountry_code = \"33\"\n\n[api]\nlisten = \"127.0.0.1:8089\"\n\n"+acct)

	n.CTI.CountryCode = "ab"
	if err := n.Save(); err == nil || !strings.Contains(err.Error(), "cti.country_code") {
		t.Errorf("Save of a bad country code: %v", err)
	}
}

func TestWebhookSecretNeverPrinted(t *testing.T) {
	cfg := mustParse(t, ctiFile+"webhook_secret = \""+ctiSecret+"x\"\n")
	a := cfg.Accounts[1]
	if a.WebhookSecret != ctiSecret+"x" {
		t.Fatalf("secret decoded as %q", a.WebhookSecret)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for what, v := range map[string]any{"account": a, "*config": *cfg, "config": cfg, "accounts": cfg.Accounts, "cti": cfg.CTI, "&cti": &cfg.CTI} {
			assertNoSecret(t, "Sprintf("+verb+", "+what+")", fmt.Sprintf(verb, v))
		}
	}
	for s, field := range map[string]string{fmt.Sprintf("%#v", a): `Name:"plain"`, fmt.Sprintf("%#v", cfg.CTI): `CountryCode:"44"`} {
		if !strings.Contains(s, `WebhookSecret:"[redacted]"`) || !strings.Contains(s, field) {
			t.Errorf("%%#v = %s, want %s and the secret redacted", s, field)
		}
	}
	for what, v := range map[string]any{"config": cfg, "account": a, "cti": cfg.CTI} {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, "json.Marshal("+what+")", string(js))
	}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("cti", "account", a, "accounts", cfg.Accounts, "cti", cfg.CTI)
	}
	assertNoSecret(t, "slog output", buf.String())
	for _, s := range []string{"account.webhook_secret_set=true", "cti.webhook_secret_set=true", `"webhook_secret_set":true`} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("slog output lacks %s:\n%s", s, buf.String())
		}
	}
}

func TestWebhookSecretNeverInErrors(t *testing.T) {
	q := `"` + marker + `\u0000\r\n"`
	srcs := map[string]string{
		"too short":    "[cti]\nwebhook_url = \"https://x\"\nwebhook_secret = \"" + marker + "\"\n",
		"wrong type":   "[cti]\nwebhook_secret = [" + q + "]\n",
		"bad escape":   "[cti]\nwebhook_secret = \"" + marker + `\q"` + "\n",
		"unknown key":  "[cti]\nwebhook_secrett = " + q + "\n",
		"other errors": acct + "webhook_secret = " + q + "\nwebhook_url = \"gopher://x\"\ncountry_code = \"x\"\n",
	}
	for name, src := range srcs {
		_, err := Parse("config.toml", []byte(src))
		if err == nil {
			t.Errorf("%s: expected an error", name)
			continue
		}
		assertNoSecret(t, name, err.Error())
	}
	a := Account{Name: "a", Username: "a", Domain: "example.com", Expires: 600, CTI: CTI{WebhookURL: "ftp://x", WebhookSecret: marker + "\xff"}}
	msgs := CheckAccount(a, nil)
	if len(msgs) == 0 {
		t.Fatal("CheckAccount found nothing wrong")
	}
	for k, msg := range msgs {
		assertNoSecret(t, "CheckAccount "+k, msg)
	}
}

func TestCloneCopiesCTI(t *testing.T) {
	c := mustParse(t, ctiFile)
	d := c.Clone()
	if !reflect.DeepEqual(&d, c) {
		t.Fatal("Clone differs")
	}
	d.CTI.OnRing[0], d.Accounts[0].OnRing[0] = "x", "y"
	if c.CTI.OnRing[0] != "/usr/local/bin/ring" || c.Accounts[0].OnRing[0] != "sales-ring" {
		t.Error("Clone shares hook lists with the original")
	}
}

package config

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// propEnv holds files that random configs may point at.
type propEnv struct {
	dir, ca, ring string
	n             int // for unique account names
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }

// pickList is an allow_direct_from list: none, one address, or two networks.
func pickList(r *rand.Rand) []string {
	return pick(r, []string(nil), []string{"198.18.0.7"}, []string{"10.0.0.0/8", "2001:db8::/32"})
}

// quotable strips what display names and auth usernames may not hold.
func quotable(s string) string {
	return strings.Map(func(c rune) rune {
		if c == '"' || c == '\\' || unicode.IsControl(c) {
			return -1
		}
		return c
	}, s)
}

func (e *propEnv) account(r *rand.Rand) Account {
	e.n++
	a := Account{
		Name:                  fmt.Sprintf("%s-%d", pick(r, "work", "home", "a.b_c"), e.n),
		Username:              pick(r, "alice", "bob.smith", "a%40b", "+15551234", "x!~*'()&=+$,;?/"),
		Domain:                pick(r, "example.com", "sip.example.org:5061", "[::1]:5070", "10.0.0.1"),
		Transport:             pick(r, "udp", "tcp", "tls"),
		Expires:               pick(r, DefaultExpires, 1, MaxExpires, 1+r.IntN(MaxExpires)),
		Enabled:               r.IntN(3) > 0,
		TLSInsecureSkipVerify: r.IntN(4) == 0,
	}
	e.randomize(r, &a, "display_name")
	e.randomize(r, &a, "password")
	if r.IntN(2) == 0 {
		e.randomize(r, &a, "media")
	}
	return a
}

// randomize changes one field of a (at random when field is "").
func (e *propEnv) randomize(r *rand.Rand, a *Account, field string) {
	if field == "" {
		field = pick(r, "display_name", "password", "password", "auth_username", "proxy", "ca_file",
			"transport", "expires", "enabled", "tls_insecure_skip_verify", "domain", "media", "ice", "cti")
	}
	switch field {
	case "display_name":
		a.DisplayName = pick(r, "", quotable(oddString(r, 20)), "Ålice Smith (home) #1 [x]")
	case "password":
		a.Password = pick(r, "", oddString(r, 30), marker+oddString(r, 5))
	case "auth_username":
		a.AuthUsername = pick(r, "", quotable(oddString(r, 10)))
	case "proxy":
		a.Proxy = pick(r, "", "proxy.example.com", "127.0.0.1:5060")
	case "ca_file":
		a.CAFile = pick(r, "", "ca.pem", e.ca)
	case "transport":
		a.Transport = pick(r, "udp", "tcp", "tls")
	case "expires":
		a.Expires = pick(r, DefaultExpires, 1+r.IntN(MaxExpires))
	case "enabled":
		a.Enabled = !a.Enabled
	case "tls_insecure_skip_verify":
		a.TLSInsecureSkipVerify = !a.TLSInsecureSkipVerify
	case "domain":
		a.Domain = pick(r, "example.net", "h-1.example.com:1")
	case "media":
		m := &a.Media
		m.Encryption = pick(r, "", EncryptionNone, EncryptionSRTP, "DTLS")
		m.EncryptionMandatory = m.Encryption != EncryptionNone && r.IntN(2) == 0
		m.SRTPOverInsecure = r.IntN(3) == 0
		m.STUNServer = pick(r, "", "stun.example.com", "[::1]:3479")
		m.TURNServer, m.TURNUsername, m.TURNPassword = "", pick(r, "", "u"), pick(r, "", marker+oddString(r, 5))
		if r.IntN(2) == 0 {
			m.TURNServer, m.TURNUsername, m.TURNPassword = "198.18.0.9", quotable(oddString(r, 6))+"u", oddString(r, 10)+marker
		}
	case "ice":
		on, off := true, false
		a.ICE = pick(r, nil, &on, &off)
	case "cti":
		a.CTI = randomCTI(r)
	}
}

// randomCTI is valid CTI settings, the webhook with its secret.
func randomCTI(r *rand.Rand) CTI {
	c := CTI{
		PopupURL:    pick(r, "", "https://crm.example/{number}?n={name}", "http://[::1]:8080/x"),
		PopupOn:     pick(r, "", PopupOnRing, PopupOnAnswer),
		OnRing:      pick(r, []string(nil), []string{"ring"}, []string{"/bin/x", strings.ReplaceAll(oddString(r, 6), "\x00", ""), ""}),
		OnMissed:    pick(r, []string(nil), []string{quotable(oddString(r, 4)) + "m"}),
		HookTimeout: pick(r, 0, 1, MaxHookTimeout),
		CountryCode: pick(r, "", "1", "44", "358"),
	}
	if r.IntN(2) == 0 {
		c.WebhookURL, c.WebhookSecret = "https://hooks.example/x", marker+"0123456789"+oddString(r, 16)
	}
	return c
}

// mutate applies one random edit to c.
func (e *propEnv) mutate(r *rand.Rand, c *Config) {
	n := len(c.Accounts)
	switch op := r.IntN(10); {
	case op < 3 && n > 0:
		e.randomize(r, &c.Accounts[r.IntN(n)], "")
	case op == 3 || n == 0:
		i := r.IntN(n + 1)
		c.Accounts = append(c.Accounts[:i], append([]Account{e.account(r)}, c.Accounts[i:]...)...)
	case op == 4:
		i := r.IntN(n)
		c.Accounts = append(c.Accounts[:i], c.Accounts[i+1:]...)
	case op == 5:
		i, j := r.IntN(n), r.IntN(n)
		c.Accounts[i], c.Accounts[j] = c.Accounts[j], c.Accounts[i]
	case op == 6:
		e.n++
		c.Accounts[r.IntN(n)].Name = fmt.Sprintf("renamed-%d", e.n)
	case op == 7:
		c.SIP = SIP{
			Listen:      pick(r, "", ":5060", "[::]:5080"),
			UserAgent:   pick(r, "", "softphone", "sp/2 "+quotable(oddString(r, 5))),
			AllowDirect: Switch(r.IntN(3)),
			DirectFrom:  pickList(r),
			MaxRinging:  r.IntN(3) * 3,
		}
	case op == 8:
		var codecs []string
		for _, i := range r.Perm(4)[:r.IntN(5)] {
			codecs = append(codecs, pick(r, strings.ToUpper, strings.ToLower)(knownCodecs[i]))
		}
		c.Audio = Audio{
			Input:    pick(r, "", "USB \"Headset\" 🎧"),
			Output:   pick(r, "", "hw:1,0", quotable(oddString(r, 8))),
			Codecs:   codecs,
			Ringtone: pick(r, "", "ring.wav", e.ring),
		}
	case op == 9 && r.IntN(2) == 0:
		c.CTI = randomCTI(r)
	default:
		c.UI.Theme = pick(r, "", "light", "dark")
	}
}

const propStart = `# hand-written header

[sip]
listen = ":5060" # comment

[[account]]
name = "first"
username = "first"
# comment inside
password = 'literal \ string'
domain = "example.com"
`

// TestSaveRoundTripProperty applies random edits, saving after each, and
// checks that Load returns what was saved, that unchanged tables keep
// their text and that the header comment survives.
func TestSaveRoundTripProperty(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dir := t.TempDir()
			e := &propEnv{dir: dir, ca: filepath.Join(dir, "ca.pem"), ring: filepath.Join(dir, "ring.wav")}
			if err := os.WriteFile(e.ca, newTestCAPEM(t), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(e.ring, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "config.toml")
			var c *Config
			if seed%2 == 0 {
				c = mustLoad(t, writeFile(t, dir, propStart))
			} else {
				c = &Config{Path: path}
			}
			r := rand.New(rand.NewPCG(seed, 99))
			prev, _ := os.ReadFile(path)
			for i := range 60 {
				old := c.Clone()
				if i%10 != 9 {
					for range 1 + r.IntN(3) {
						e.mutate(r, c)
					}
				}
				if err := c.Save(); err != nil {
					t.Fatalf("step %d: Save: %v", i, err)
				}
				assertNoSecret(t, "config", fmt.Sprintf("%v %+v", c, c))
				text := readString(t, path)
				if got := mustLoad(t, path); !reflect.DeepEqual(got, c) {
					t.Fatalf("step %d: Load differs in %s\n%s", i, diffConfig(got, c), text)
				}
				checkKeptBlocks(t, &old, prev, c, text)
				if seed%2 == 0 && !strings.HasPrefix(text, "# hand-written header\n\n") {
					t.Fatalf("step %d: header comment lost:\n%s", i, text)
				}
				prev = []byte(text)
			}
		})
	}
}

// checkKeptBlocks checks that every account (and [sip]) whose values did
// not change from old, loaded from prev, appears in text with its old
// block unchanged.
func checkKeptBlocks(t *testing.T, old *Config, prev []byte, c *Config, text string) {
	t.Helper()
	l, err := splitLayout(prev)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for _, b := range l.blocks {
		var same bool
		switch {
		case b.name == "sip":
			same = reflect.DeepEqual(old.SIP, c.SIP)
		case b.name == "account":
			a, ok := c.Account(old.Accounts[k].Name)
			same = ok && a.Equal(old.Accounts[k])
			k++
		}
		if block := string(l.text(b.start, b.end)); same && !strings.Contains(text, strings.TrimRight(block, "\n")) {
			t.Fatalf("unchanged block\n%s\nnot kept in\n%s", block, text)
		}
	}
}

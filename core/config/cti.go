package config

import (
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CTI says what the phone tells other programs about calls: a web page to
// open (screen-pop), commands to run (hooks) and a URL to POST to
// (webhook). The [cti] section is the default for every account and for
// direct calls; an account's own keys override it one by one (CTIFor).
type CTI struct {
	// PopupURL is opened in the browser for an incoming call, with
	// placeholders (CTIPlaceholders) replaced by the call's values; "" is
	// none.
	PopupURL string
	// PopupOn is PopupOnRing (when "") or PopupOnAnswer.
	PopupOn string
	// Hooks: a command and its arguments (never a shell), run with the
	// call's values in the environment; empty is none.
	OnRing, OnAnswer, OnHangup, OnMissed []string
	// HookTimeout is how long a hook may run, in seconds; 0 means
	// DefaultHookTimeout.
	HookTimeout int
	// WebhookURL gets a signed JSON POST per call event; "" is none.
	WebhookURL string
	// WebhookSecret keys the webhook's signature. It is never printed:
	// see String, GoString and LogValue, and Account's.
	WebhookSecret string `json:"-"`
	// CountryCode ("44") turns national numbers ("020...") into E.164
	// ("+4420...") for the {number} the other programs get.
	CountryCode string
}

// Values of CTI.PopupOn.
const (
	PopupOnRing   = "ring"
	PopupOnAnswer = "answer"
)

// Hook timeout bounds, in seconds, and the webhook secret's least length.
const (
	DefaultHookTimeout = 10
	MaxHookTimeout     = 300
	MinWebhookSecret   = 16
)

// CTIPlaceholders are the names popup_url may hold between braces.
var CTIPlaceholders = []string{"number", "raw", "name", "account", "call_id", "direction"}

var ctiKeys = []string{"popup_url", "popup_on", "on_ring", "on_answer", "on_hangup", "on_missed",
	"hook_timeout", "webhook_url", "webhook_secret", "country_code"}

// CTIFor is the CTI settings a call of the named account follows: the
// account's non-empty values over [cti]'s, key by key. A direct call
// (account "") or an account not in c follows [cti]. The slices are
// copies.
func (c *Config) CTIFor(account string) CTI {
	out := c.CTI
	if a, ok := c.Account(account); ok && account != "" {
		o := a.CTI
		for _, p := range []struct{ dst, src *string }{
			{&out.PopupURL, &o.PopupURL}, {&out.PopupOn, &o.PopupOn}, {&out.WebhookURL, &o.WebhookURL},
			{&out.WebhookSecret, &o.WebhookSecret}, {&out.CountryCode, &o.CountryCode},
		} {
			if *p.src != "" {
				*p.dst = *p.src
			}
		}
		for _, p := range []struct{ dst, src *[]string }{
			{&out.OnRing, &o.OnRing}, {&out.OnAnswer, &o.OnAnswer}, {&out.OnHangup, &o.OnHangup}, {&out.OnMissed, &o.OnMissed},
		} {
			if len(*p.src) > 0 {
				*p.dst = *p.src
			}
		}
		if o.HookTimeout != 0 {
			out.HookTimeout = o.HookTimeout
		}
	}
	return out.clone()
}

func (c CTI) clone() CTI {
	c.OnRing, c.OnAnswer = slices.Clone(c.OnRing), slices.Clone(c.OnAnswer)
	c.OnHangup, c.OnMissed = slices.Clone(c.OnHangup), slices.Clone(c.OnMissed)
	return c
}

// PopupTrigger is PopupOn, or PopupOnRing when it is unset.
func (c CTI) PopupTrigger() string {
	if c.PopupOn == "" {
		return PopupOnRing
	}
	return c.PopupOn
}

// HookDeadline is how long a hook may run.
func (c CTI) HookDeadline() time.Duration {
	if c.HookTimeout <= 0 {
		return DefaultHookTimeout * time.Second
	}
	return time.Duration(c.HookTimeout) * time.Second
}

// String describes the settings for logs, without the webhook secret.
func (c CTI) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "popup=%q on=%s hooks=%d/%d/%d/%d webhook=%q secret_set=%t",
		c.PopupURL, c.PopupTrigger(), len(c.OnRing), len(c.OnAnswer), len(c.OnHangup), len(c.OnMissed),
		c.WebhookURL, c.WebhookSecret != "")
	return b.String()
}

// GoString keeps %#v from printing the webhook secret.
func (c CTI) GoString() string {
	type plain CTI // no methods, so %#v below does not recurse
	p := plain(c)
	if p.WebhookSecret != "" {
		p.WebhookSecret = "[redacted]"
	}
	return strings.Replace(fmt.Sprintf("%#v", p), "config.plain", "config.CTI", 1)
}

// LogValue renders the settings for log/slog; only whether a webhook
// secret is set is logged.
func (c CTI) LogValue() slog.Value { return slog.GroupValue(c.logAttrs()...) }

func (c CTI) logAttrs() []slog.Attr {
	var attrs []slog.Attr
	if c.PopupURL != "" {
		attrs = append(attrs, slog.String("popup_url", c.PopupURL), slog.String("popup_on", c.PopupTrigger()))
	}
	for _, h := range []struct {
		key  string
		argv []string
	}{{"on_ring", c.OnRing}, {"on_answer", c.OnAnswer}, {"on_hangup", c.OnHangup}, {"on_missed", c.OnMissed}} {
		if len(h.argv) > 0 {
			attrs = append(attrs, slog.String(h.key, h.argv[0]))
		}
	}
	if c.WebhookURL != "" {
		attrs = append(attrs, slog.String("webhook_url", c.WebhookURL))
	}
	if c.WebhookSecret != "" {
		attrs = append(attrs, slog.Bool("webhook_secret_set", true))
	}
	return attrs
}

// ctiKey decodes one CTI key; false when k is not one.
func (d *decoder) ctiKey(v *node, field, k string, c *CTI) bool {
	switch k {
	case "popup_url":
		d.str(v, field, &c.PopupURL)
	case "popup_on":
		d.str(v, field, &c.PopupOn)
	case "on_ring":
		d.strList(v, field, &c.OnRing)
	case "on_answer":
		d.strList(v, field, &c.OnAnswer)
	case "on_hangup":
		d.strList(v, field, &c.OnHangup)
	case "on_missed":
		d.strList(v, field, &c.OnMissed)
	case "hook_timeout":
		d.integer(v, field, &c.HookTimeout)
	case "webhook_url":
		d.str(v, field, &c.WebhookURL)
	case "webhook_secret":
		d.str(v, field, &c.WebhookSecret)
	case "country_code":
		d.str(v, field, &c.CountryCode)
	default:
		return false
	}
	return true
}

func (d *decoder) ctiTable(t *node, c *CTI) {
	d.pos["cti"] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], "cti."+k
		if !d.ctiKey(v, field, k, c) {
			d.unknown(v, field, k, ctiKeys)
		}
	}
}

// cti validates and normalizes c (popup_on lower-cased, empty hook lists
// nil). inherit is what c's empty keys fall back to ([cti] for an
// account), nil for [cti] itself; unknown says [cti] is not known (an
// account checked alone), so a secret it may hold is not required.
// Messages never show the webhook secret.
func (v validator) cti(prefix string, c *CTI, inherit *CTI, unknown bool) {
	if c.PopupURL != "" {
		v.check(prefix, "popup_url", checkPopupURL(c.PopupURL))
	}
	switch on := strings.ToLower(c.PopupOn); on {
	case "", PopupOnRing, PopupOnAnswer:
		c.PopupOn = on
	default:
		v.fail(prefix, "popup_on", "must be %q or %q (got %q)", PopupOnRing, PopupOnAnswer, c.PopupOn)
	}
	for _, h := range []struct {
		key  string
		argv *[]string
	}{{"on_ring", &c.OnRing}, {"on_answer", &c.OnAnswer}, {"on_hangup", &c.OnHangup}, {"on_missed", &c.OnMissed}} {
		if !v.bad[fieldPath(prefix, h.key)] {
			v.check(prefix, h.key, checkArgv(*h.argv))
		}
		if len(*h.argv) == 0 {
			*h.argv = nil
		}
	}
	if c.HookTimeout < 0 || c.HookTimeout > MaxHookTimeout {
		v.fail(prefix, "hook_timeout", "must be between 1 and %d seconds, or 0 for the default %d (got %d)",
			MaxHookTimeout, DefaultHookTimeout, c.HookTimeout)
	}
	if c.WebhookURL != "" {
		v.check(prefix, "webhook_url", checkHTTPURL(c.WebhookURL))
	}
	v.check(prefix, "webhook_secret", checkUTF8(c.WebhookSecret))
	if c.WebhookSecret != "" && utf8.RuneCountInString(c.WebhookSecret) < MinWebhookSecret {
		v.fail(prefix, "webhook_secret", "must be at least %d characters long", MinWebhookSecret)
	}
	secret := c.WebhookSecret
	if secret == "" && inherit != nil {
		secret = inherit.WebhookSecret
	}
	if c.WebhookURL != "" && secret == "" && !unknown {
		where := ""
		if inherit != nil {
			where = " (here or in [cti])"
		}
		v.fail(prefix, "webhook_secret", "must be set%s when webhook_url is set: receivers check the signature with it", where)
	}
	if cc := c.CountryCode; cc != "" && (len(cc) > 3 || strings.Trim(cc, "0123456789") != "") {
		v.fail(prefix, "country_code", "must be 1 to 3 digits, without '+', e.g. \"44\" (got %q)", cc)
	}
}

// checkPopupURL requires an http or https URL once its placeholders are
// replaced with sample values, and no unknown placeholder.
func checkPopupURL(s string) string {
	var b strings.Builder
	rest := s
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return fmt.Sprintf("has a '{' without its '}' (got %q)", s)
		}
		name := rest[i+1 : i+j]
		if !slices.Contains(CTIPlaceholders, name) {
			return fmt.Sprintf("has an unknown placeholder {%s} (known: {%s})", name, strings.Join(CTIPlaceholders, "} {"))
		}
		b.WriteString(rest[:i])
		b.WriteString("x0")
		rest = rest[i+j+1:]
	}
	return checkHTTPURL(b.String())
}

// checkHTTPURL requires an absolute http or https URL with a host.
func checkHTTPURL(s string) string {
	if msg := checkControls(s); msg != "" {
		return msg
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("is not a URL (got %q)", s)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Sprintf("must be an http:// or https:// URL (got %q)", s)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Sprintf("has no host (got %q)", s)
	}
	return ""
}

// checkArgv requires a command name and arguments that can reach exec:
// no NUL anywhere.
func checkArgv(argv []string) string {
	if len(argv) == 0 {
		return ""
	}
	if argv[0] == "" {
		return "must start with the command to run, not an empty string"
	}
	for i, a := range argv {
		if msg := checkUTF8(a); msg != "" {
			return fmt.Sprintf("element %d %s", i+1, msg)
		}
		if strings.IndexByte(a, 0) >= 0 {
			return fmt.Sprintf("element %d must not contain NUL", i+1)
		}
	}
	return ""
}

// ctiKVs lists the CTI keys as Save writes them.
func ctiKVs(c CTI) []kv {
	return []kv{
		optKV("popup_url", c.PopupURL),
		optKV("popup_on", c.PopupOn),
		listKV("on_ring", c.OnRing),
		listKV("on_answer", c.OnAnswer),
		listKV("on_hangup", c.OnHangup),
		listKV("on_missed", c.OnMissed),
		{key: "hook_timeout", lit: strconv.Itoa(c.HookTimeout), omit: c.HookTimeout == 0, drop: c.HookTimeout == 0},
		optKV("webhook_url", c.WebhookURL),
		optKV("webhook_secret", c.WebhookSecret),
		optKV("country_code", c.CountryCode),
	}
}

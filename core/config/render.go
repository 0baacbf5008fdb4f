package config

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// kv is one key of a table as Save writes it.
type kv struct {
	key  string
	lit  string // TOML literal of the value
	omit bool   // the value is what an absent key means: not added to a table
	drop bool   // the value is empty: the key is removed when it changes to this
	show bool   // written in a new table even if omit, as a hint for hand edits
}

func strKV(key, s string) kv { return kv{key: key, lit: quote(s)} }
func optKV(key, s string) kv {
	return kv{key: key, lit: quote(s), omit: s == "", drop: s == ""}
}
func defKV(key, s, def string) kv { return kv{key: key, lit: quote(s), omit: s == def} }
func boolKV(key string, b, def bool) kv {
	return kv{key: key, lit: strconv.FormatBool(b), omit: b == def}
}

// switchKV writes an Auto switch as no key at all (its literal only
// tells it apart from Off, and is never written).
func switchKV(key string, s Switch) kv {
	if s == Auto {
		return kv{key: key, lit: "auto", omit: true, drop: true}
	}
	return kv{key: key, lit: strconv.FormatBool(s == On)}
}

func listKV(key string, xs []string) kv {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = quote(x)
	}
	return kv{key: key, lit: "[" + strings.Join(q, ", ") + "]", omit: len(xs) == 0, drop: len(xs) == 0}
}

// The *KVs functions list a section's keys in the order Save writes them
// in a new table. Values are expected normalized, as Parse returns them.

func sipKVs(s SIP) []kv {
	return []kv{
		optKV("listen", s.Listen),
		defKV("user_agent", s.UserAgent, DefaultUserAgent),
		switchKV("allow_direct", s.AllowDirect),
		listKV("allow_direct_from", s.DirectFrom),
		{key: "max_ringing", lit: strconv.Itoa(s.MaxRinging), omit: s.MaxRinging == 0, drop: s.MaxRinging == 0},
	}
}

func audioKVs(a Audio) []kv {
	return []kv{
		optKV("input", a.Input),
		optKV("output", a.Output),
		listKV("codecs", a.Codecs),
		optKV("ringtone", a.Ringtone),
		optKV("record_dir", a.RecordDir),
		optKV("record_channels", a.RecordChannels),
	}
}

func uiKVs(u UI) []kv {
	return []kv{
		defKV("theme", u.Theme, DefaultTheme),
		boolKV("tray", !u.NoTray, true),
		boolKV("start_at_login", u.StartAtLogin, false),
	}
}

func accountKVs(a Account) []kv {
	return append([]kv{
		strKV("name", a.Name),
		optKV("display_name", a.DisplayName),
		strKV("username", a.Username),
		optKV("auth_username", a.AuthUsername),
		optKV("password", filePassword(a)),
		optKV("password_store", a.PasswordStore),
		strKV("domain", a.Domain),
		optKV("proxy", a.Proxy),
		{key: "transport", lit: quote(a.Transport), omit: a.Transport == DefaultTransport, show: true},
		optKV("ca_file", a.CAFile),
		boolKV("tls_insecure_skip_verify", a.TLSInsecureSkipVerify, false),
		{key: "expires", lit: strconv.Itoa(a.Expires), omit: a.Expires == DefaultExpires},
		{key: "enabled", lit: strconv.FormatBool(a.Enabled), omit: a.Enabled, show: true},
		boolKV("dnd", a.DND, false),
		boolKV("busy_when_in_call", a.BusyWhenInCall, false),
		optKV("forward_always", a.ForwardAlways),
		optKV("forward_busy", a.ForwardBusy),
		optKV("forward_no_answer", a.ForwardNoAnswer),
		{key: "forward_no_answer_after", lit: strconv.Itoa(a.ForwardNoAnswerAfter), omit: a.ForwardNoAnswerAfter == 0, drop: a.ForwardNoAnswerAfter == 0},
		boolKV("auto_answer", a.AutoAnswer, false),
		boolKV("answer_after_hints", a.AnswerAfterHints, false),
		optKV("voicemail", a.Voicemail),
		boolKV("mwi", !a.NoMWI, true),
		boolKV("presence", a.Presence, false),
	}, append(mediaKVs(a), ctiKVs(a.CTI)...)...)
}

// filePassword is the password as the file holds it: none when it is in
// the keyring.
func filePassword(a Account) string {
	if a.PasswordStore == PasswordInKeyring {
		return ""
	}
	return a.Password
}

// sameKVs reports whether two renderings hold the same values.
func sameKVs(a, b []kv) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].key != b[i].key || a[i].lit != b[i].lit {
			return false
		}
	}
	return true
}

func findKV(kvs []kv, key string) (kv, bool) {
	for _, x := range kvs {
		if x.key == key {
			return x, true
		}
	}
	return kv{}, false
}

// quote renders s as a TOML basic string. Quotes, backslashes and every
// control character (C0, DEL, C1) are escaped; other characters are
// written as UTF-8. s must be valid UTF-8 (see checkUTF8).
func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

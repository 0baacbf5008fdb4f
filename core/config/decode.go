package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// positions maps a field path ("sip.listen", "account[2].domain") to the
// line of its key, and "account[2]" to the line of its [[account]] header.
// A path is present only if the key was in the file.
type positions map[string]int

// decoder maps the positioned tree onto Config, reporting unknown keys and
// wrong types instead of dropping them.
type decoder struct {
	r   *report
	pos positions
	bad map[string]bool // fields with a type error; validation skips them
}

var (
	rootKeys    = []string{"sip", "audio", "video", "ui", "cti", "api", "account"}
	sipKeys     = []string{"listen", "user_agent", "allow_direct", "allow_direct_from", "max_ringing"}
	audioKeys   = []string{"input", "output", "codecs", "ringtone", "record_dir", "record_channels"}
	uiKeys      = []string{"theme", "tray", "start_at_login"}
	accountKeys = []string{
		"name", "display_name", "username", "auth_username", "password",
		"password_store",
		"domain", "proxy", "transport", "ca_file", "tls_insecure_skip_verify",
		"expires", "enabled",
		"dnd", "busy_when_in_call", "forward_always", "forward_busy",
		"forward_no_answer", "forward_no_answer_after", "auto_answer",
		"answer_after_hints", "voicemail", "mwi", "presence",
		"media_encryption", "media_encryption_mandatory", "srtp_over_insecure_signalling",
		"stun_server", "turn_server", "turn_username", "turn_password", "ice", "ice_relay_only",
		"popup_url", "popup_on", "on_ring", "on_answer", "on_hangup", "on_missed",
		"hook_timeout", "webhook_url", "webhook_secret", "country_code",
	}
)

func (d *decoder) config(root *node) *Config {
	cfg := &Config{SIP: SIP{UserAgent: DefaultUserAgent}, UI: UI{Theme: DefaultTheme}}
	for _, k := range root.keys {
		v := root.vals[k]
		switch k {
		case "sip":
			if d.table(v, "sip") {
				d.sip(v, &cfg.SIP)
			}
		case "audio":
			if d.table(v, "audio") {
				d.audio(v, &cfg.Audio)
			}
		case "video":
			if d.table(v, "video") {
				d.video(v, &cfg.Video)
			}
		case "ui":
			if d.table(v, "ui") {
				d.ui(v, &cfg.UI)
			}
		case "cti":
			if d.table(v, "cti") {
				d.ctiTable(v, &cfg.CTI)
			}
		case "api":
			if d.table(v, "api") {
				d.api(v, &cfg.API)
			}
		case "account":
			cfg.Accounts = d.accounts(v)
		default:
			d.unknown(v, k, k, rootKeys)
		}
	}
	return cfg
}

func (d *decoder) sip(t *node, s *SIP) {
	d.pos["sip"] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], "sip."+k
		switch k {
		case "listen":
			d.str(v, field, &s.Listen)
		case "user_agent":
			d.str(v, field, &s.UserAgent)
		case "allow_direct":
			var b bool
			d.boolean(v, field, &b)
			s.AllowDirect = SwitchOf(b)
		case "allow_direct_from":
			d.strList(v, field, &s.DirectFrom)
		case "max_ringing":
			d.integer(v, field, &s.MaxRinging)
		default:
			d.unknown(v, field, k, sipKeys)
		}
	}
}

func (d *decoder) accounts(v *node) []Account {
	// Both [[account]] and account = [{...}, ...] are arrays of tables.
	if v.kind != unstable.ArrayTable && v.kind != unstable.Array {
		d.r.add(v.line, "account", "must be an array of tables, written [[account]] (got %s)", kindName(v))
		return nil
	}
	accts := make([]Account, 0, len(v.elems))
	for i, t := range v.elems {
		prefix := fmt.Sprintf("account[%d]", i+1)
		a := Account{Expires: DefaultExpires, Enabled: true}
		if d.table(t, prefix) {
			d.account(t, prefix, &a)
		}
		accts = append(accts, a)
	}
	return accts
}

func (d *decoder) account(t *node, prefix string, a *Account) {
	d.pos[prefix] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], prefix+"."+k
		switch k {
		case "name":
			d.str(v, field, &a.Name)
		case "display_name":
			d.str(v, field, &a.DisplayName)
		case "username":
			d.str(v, field, &a.Username)
		case "auth_username":
			d.str(v, field, &a.AuthUsername)
		case "password":
			d.str(v, field, &a.Password)
		case "password_store":
			d.str(v, field, &a.PasswordStore)
		case "domain":
			d.str(v, field, &a.Domain)
		case "proxy":
			d.str(v, field, &a.Proxy)
		case "transport":
			d.str(v, field, &a.Transport)
		case "ca_file":
			d.str(v, field, &a.CAFile)
		case "tls_insecure_skip_verify":
			d.boolean(v, field, &a.TLSInsecureSkipVerify)
		case "expires":
			d.integer(v, field, &a.Expires)
		case "enabled":
			d.boolean(v, field, &a.Enabled)
		default:
			if !d.feature(v, field, k, &a.Features) && !d.mediaKey(v, field, k, &a.Media) && !d.ctiKey(v, field, k, &a.CTI) {
				d.unknown(v, field, k, accountKeys)
			}
		}
	}
}

func (d *decoder) unknown(v *node, field, key string, known []string) {
	msg := "unknown key"
	if s := suggest(key, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	d.r.add(v.line, field, "%s", msg)
}

func (d *decoder) table(v *node, field string) bool {
	if v.isTable() {
		return true
	}
	d.r.add(v.line, field, "must be a table (got %s)", kindName(v))
	return false
}

// str, boolean and integer record the key's line and store the value if
// its type fits. Messages name the type, never the value: it may be a
// password.
func (d *decoder) str(v *node, field string, dst *string) {
	d.pos[field] = v.line
	if v.kind != unstable.String {
		d.bad[field] = true
		d.r.add(v.line, field, "must be a string (got %s)", kindName(v))
		return
	}
	*dst = v.text
}

func (d *decoder) boolean(v *node, field string, dst *bool) {
	d.pos[field] = v.line
	if v.kind != unstable.Bool {
		d.bad[field] = true
		d.r.add(v.line, field, "must be true or false (got %s)", kindName(v))
		return
	}
	*dst = v.text == "true"
}

func (d *decoder) integer(v *node, field string, dst *int) {
	d.pos[field] = v.line
	if v.kind != unstable.Integer {
		d.bad[field] = true
		d.r.add(v.line, field, "must be an integer (got %s)", kindName(v))
		return
	}
	// go-toml has already checked the literal; base 0 understands its
	// 0x/0o/0b prefixes once digit separators are gone.
	n, err := strconv.ParseInt(strings.ReplaceAll(v.text, "_", ""), 0, 64)
	if err != nil || int64(int(n)) != n {
		d.bad[field] = true
		d.r.add(v.line, field, "integer %s is out of range", v.text)
		return
	}
	*dst = int(n)
}

func kindName(v *node) string {
	switch v.kind {
	case unstable.String:
		return "string"
	case unstable.Integer:
		return "integer"
	case unstable.Float:
		return "float"
	case unstable.Bool:
		return "boolean"
	case unstable.Array:
		return "array"
	case unstable.Table:
		return "table"
	case unstable.ArrayTable:
		return "array of tables"
	default:
		return "date/time"
	}
}

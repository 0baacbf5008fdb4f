package config

import (
	"fmt"
	"strings"
	"time"
)

// Features are an account's call-handling, voicemail and presence
// settings: what a business phone lets each line do differently.
type Features struct {
	DND            bool // do not disturb: every new call is refused 486 (or forwarded on busy)
	BusyWhenInCall bool // a new call while one is up is busy, not waiting
	// Forwarding targets: a number or user (at the account's domain) or a
	// SIP URI; "" is off. The phone answers the INVITE with 302.
	ForwardAlways        string
	ForwardBusy          string // when DND or busy when in a call refuses it
	ForwardNoAnswer      string // when not answered within ForwardNoAnswerAfter
	ForwardNoAnswerAfter int    // seconds; 0 = DefaultNoAnswerAfter
	AutoAnswer           bool   // answer every call at once (intercom lines)
	AnswerAfterHints     bool   // honour the caller's Call-Info answer-after
	Voicemail            string // what the voicemail button dials; "" = none
	NoMWI                bool   // do not subscribe to message-summary (key "mwi = false")
	Presence             bool   // publish our presence (PIDF)
}

// Recording channel layouts for Audio.RecordChannels.
const (
	RecordSeparate = "separate"
	RecordMixed    = "mixed"
)

// DefaultNoAnswerAfter is the no-answer forwarding delay in seconds, and
// MaxNoAnswerAfter its upper bound.
const (
	DefaultNoAnswerAfter = 20
	MaxNoAnswerAfter     = 600
)

// NoAnswerDelay is how long a call rings before no-answer forwarding.
func (f Features) NoAnswerDelay() time.Duration {
	if f.ForwardNoAnswerAfter <= 0 {
		return DefaultNoAnswerAfter * time.Second
	}
	return time.Duration(f.ForwardNoAnswerAfter) * time.Second
}

// Forwarding reports whether any forwarding is on, for the UI's badge.
func (f Features) Forwarding() bool {
	return f.ForwardAlways != "" || f.ForwardBusy != "" || f.ForwardNoAnswer != ""
}

// feature decodes one Features key; false when k is not one.
func (d *decoder) feature(v *node, field, k string, f *Features) bool {
	switch k {
	case "dnd":
		d.boolean(v, field, &f.DND)
	case "busy_when_in_call":
		d.boolean(v, field, &f.BusyWhenInCall)
	case "forward_always":
		d.str(v, field, &f.ForwardAlways)
	case "forward_busy":
		d.str(v, field, &f.ForwardBusy)
	case "forward_no_answer":
		d.str(v, field, &f.ForwardNoAnswer)
	case "forward_no_answer_after":
		d.integer(v, field, &f.ForwardNoAnswerAfter)
	case "auto_answer":
		d.boolean(v, field, &f.AutoAnswer)
	case "answer_after_hints":
		d.boolean(v, field, &f.AnswerAfterHints)
	case "voicemail":
		d.str(v, field, &f.Voicemail)
	case "mwi":
		var on bool
		d.boolean(v, field, &on)
		f.NoMWI = !on
	case "presence":
		d.boolean(v, field, &f.Presence)
	default:
		return false
	}
	return true
}

func (v validator) features(prefix string, f *Features) {
	for _, t := range []struct{ key, val string }{
		{"forward_always", f.ForwardAlways}, {"forward_busy", f.ForwardBusy},
		{"forward_no_answer", f.ForwardNoAnswer}, {"voicemail", f.Voicemail},
	} {
		v.check(prefix, t.key, checkTarget(t.val))
	}
	if f.ForwardNoAnswerAfter < 0 || f.ForwardNoAnswerAfter > MaxNoAnswerAfter {
		v.fail(prefix, "forward_no_answer_after", "must be between 1 and %d seconds, or 0 for the default %d (got %d)",
			MaxNoAnswerAfter, DefaultNoAnswerAfter, f.ForwardNoAnswerAfter)
	}
}

// checkTarget accepts a number, a user or a sip:/sips:/tel: URI: what ends
// up in a Contact or Request-URI, so no spaces, controls, quotes or angle
// brackets that would break the header.
func checkTarget(s string) string {
	if s == "" {
		return ""
	}
	if msg := checkControls(s); msg != "" {
		return msg
	}
	if i := strings.IndexAny(s, " \t<>\"\\,"); i >= 0 {
		return fmt.Sprintf("must be a number, a user or a SIP URI without spaces, quotes, commas or angle brackets (got %q)", s)
	}
	rest := s
	if strings.Contains(s, ":") {
		scheme, after, _ := strings.Cut(strings.ToLower(s), ":")
		switch scheme {
		case "sip", "sips", "tel":
			if after == "" {
				return fmt.Sprintf("has nothing after %q (got %q)", scheme+":", s)
			}
			rest = after
		default:
			if strings.Contains(s, "@") || strings.Count(s, ":") > 1 {
				return fmt.Sprintf("must use the sip:, sips: or tel: scheme (got %q)", s)
			}
		}
	}
	// user@host needs both sides: "bob@" or "@host" cannot be called.
	if user, host, found := strings.Cut(rest, "@"); found && (user == "" || host == "" || host[0] == ';' || host[0] == ':') {
		return fmt.Sprintf("must be user@host with both parts (got %q)", s)
	}
	return ""
}

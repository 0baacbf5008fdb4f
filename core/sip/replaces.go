package sip

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Replaces names a dialog to take over (RFC 3891). The tags are written as
// the receiver of the header sees them: ToTag is the receiver's own tag,
// FromTag its peer's.
type Replaces struct {
	CallID    string
	ToTag     string
	FromTag   string
	EarlyOnly bool // only an early (unanswered) dialog may be replaced
}

// ErrBadReplaces means a Replaces value is malformed.
var ErrBadReplaces = errors.New("sip: bad Replaces")

// maxReplaces bounds a Replaces value: a Call-ID and two tags.
const maxReplaces = 1024

// ParseReplaces reads a Replaces header value:
// "callid;to-tag=a;from-tag=b[;early-only]". Both tags are required.
func ParseReplaces(s string) (Replaces, error) {
	if len(s) > maxReplaces {
		return Replaces{}, fmt.Errorf("%w: %d bytes", ErrBadReplaces, len(s))
	}
	parts := strings.Split(s, ";")
	r := Replaces{CallID: strings.TrimSpace(parts[0])}
	if !validCallID(r.CallID) {
		return Replaces{}, fmt.Errorf("%w: Call-ID %q", ErrBadReplaces, clip(r.CallID))
	}
	seen := map[string]bool{}
	for _, p := range parts[1:] {
		name, value, hasValue := strings.Cut(strings.TrimSpace(p), "=")
		name = strings.ToLower(strings.TrimSpace(name))
		value = strings.TrimSpace(value)
		if !isToken(name) {
			return Replaces{}, fmt.Errorf("%w: parameter %q", ErrBadReplaces, clip(p))
		}
		if seen[name] {
			return Replaces{}, fmt.Errorf("%w: %s twice", ErrBadReplaces, name)
		}
		seen[name] = true
		switch name {
		case "to-tag", "from-tag":
			if !hasValue || !isToken(value) {
				return Replaces{}, fmt.Errorf("%w: %s %q", ErrBadReplaces, name, clip(value))
			}
			if name == "to-tag" {
				r.ToTag = value
			} else {
				r.FromTag = value
			}
		case "early-only":
			if hasValue {
				return Replaces{}, fmt.Errorf("%w: early-only takes no value", ErrBadReplaces)
			}
			r.EarlyOnly = true
		default: // generic-param: ignored, but it must be well formed
			if hasValue && !isToken(strings.Trim(value, `"`)) {
				return Replaces{}, fmt.Errorf("%w: parameter %q", ErrBadReplaces, clip(p))
			}
		}
	}
	if r.ToTag == "" || r.FromTag == "" {
		return Replaces{}, fmt.Errorf("%w: to-tag and from-tag are required", ErrBadReplaces)
	}
	return r, nil
}

// String is the header value.
func (r Replaces) String() string {
	s := r.CallID + ";to-tag=" + r.ToTag + ";from-tag=" + r.FromTag
	if r.EarlyOnly {
		s += ";early-only"
	}
	return s
}

// Valid reports whether r can be written into a header as is.
func (r Replaces) Valid() bool {
	return validCallID(r.CallID) && isToken(r.ToTag) && isToken(r.FromTag)
}

// isToken: RFC 3261 token characters, at least one.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("-.!%*_+`'~", rune(c)) {
			return false
		}
	}
	return true
}

// validCallID: RFC 3261 callid = word ["@" word].
func validCallID(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	at := strings.Count(s, "@")
	if at > 1 || strings.HasPrefix(s, "@") || strings.HasSuffix(s, "@") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '@' && !isAlnum(c) && !strings.ContainsRune("-.!%*_+`'~()<>:\\\"/[]?{}", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Replaces is the value naming this dialog for its far end: an INVITE the
// far end receives with it replaces this dialog (attended transfer).
func (d *Dialog) Replaces() Replaces {
	return Replaces{CallID: d.CallID(), ToTag: d.RemoteTag(), FromTag: d.LocalTag()}
}

// MatchesReplaces reports whether r, received by us, names this dialog.
func (d *Dialog) MatchesReplaces(r Replaces) bool {
	return r.CallID == d.CallID() && r.ToTag == d.LocalTag() && r.FromTag == d.RemoteTag()
}

// LocalTag is our tag in the dialog.
func (d *Dialog) LocalTag() string {
	if d.client != nil {
		return fromTag(d.client.InviteRequest.From())
	}
	return toTag(d.server.InviteRequest.To())
}

// RemoteTag is the far end's tag in the dialog.
func (d *Dialog) RemoteTag() string {
	if d.client != nil {
		if d.client.InviteResponse == nil {
			return ""
		}
		return toTag(d.client.InviteResponse.To())
	}
	return fromTag(d.server.InviteRequest.From())
}

func fromTag(h *sip.FromHeader) string {
	if h == nil {
		return ""
	}
	t, _ := h.Params.Get("tag")
	return t
}

func toTag(h *sip.ToHeader) string {
	if h == nil {
		return ""
	}
	t, _ := h.Params.Get("tag")
	return t
}

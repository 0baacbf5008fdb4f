package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Checks for values that end up in SIP messages. Each returns a message
// suitable for FieldError.Msg, or "" when the value is acceptable.

// checkControls rejects control characters (CR, LF, NUL, DEL, C1, ...),
// which would let a config value inject or truncate SIP headers. The value
// is not echoed: it is unprintable by definition.
func checkControls(s string) string {
	if msg := checkUTF8(s); msg != "" {
		return msg
	}
	for i, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("must not contain control characters such as CR, LF or NUL (found %U at byte %d)", r, i)
		}
	}
	return ""
}

// checkUTF8 rejects invalid UTF-8, which a TOML file cannot hold: values
// parsed from a file always pass, values set by a program (then saved) may
// not. The value is not echoed: it may be a password.
func checkUTF8(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	return ""
}

// checkName enforces [A-Za-z0-9._-]{1,64} for account names, which are
// used as identifiers in the UI, logs and file names.
func checkName(s string) string {
	if len(s) > 64 {
		return fmt.Sprintf("must be at most 64 characters (got %d)", len(s))
	}
	for _, r := range s {
		if !isAlnum(r) && r != '.' && r != '_' && r != '-' {
			return fmt.Sprintf("may contain only letters, digits, '.', '_' and '-' (got %q)", s)
		}
	}
	return ""
}

// checkUserPart enforces the RFC 3261 §25.1 "user" production:
// unreserved / escaped / user-unreserved characters.
func checkUserPart(s string) string {
	if msg := checkControls(s); msg != "" {
		return msg
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x80 && (isAlnum(rune(c)) || strings.IndexByte("-_.!~*'()&=+$,;?/", c) >= 0):
		case c == '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return fmt.Sprintf("has a '%%' not followed by two hex digits (got %q)", s)
			}
			if v := unhex(s[i+1])<<4 | unhex(s[i+2]); v < 0x20 || v == 0x7f {
				return fmt.Sprintf("must not contain escaped control characters (found %q)", s[i:i+3])
			}
			i += 2
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Sprintf("is not a valid SIP user part: %q must be %%-escaped (got %q)", r, s)
		}
	}
	return ""
}

// checkQuotable rejects what cannot go inside a SIP quoted-string without
// escaping (display names, digest usernames): '"', '\' and controls.
func checkQuotable(s string) string {
	if msg := checkControls(s); msg != "" {
		return msg
	}
	if strings.ContainsAny(s, `"\`) {
		return fmt.Sprintf(`must not contain '"' or '\' (got %q)`, s)
	}
	return ""
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	default:
		return c - '0'
	}
}

package store

import (
	"net/url"
	"strings"
	"unicode"
)

// Normalize turns a phone number or SIP/tel address, as typed, printed on a
// card or sent by a caller, into the key caller ID matches on:
//
//   - "Bob" <sip:bob@host;transport=tcp>, sip:bob@host, bob@host → "bob"
//   - +44 (20) 7946-0958, 0044.20.7946.0958, tel:+44-20-7946-0958,
//     sip:+442079460958@host;user=phone → "442079460958"
//
// Visual separators (spaces, dashes, dots, parentheses, slashes) go, a
// leading + or 00 international prefix goes, letters are lower-cased.
func Normalize(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.TrimSpace(s)
	for _, scheme := range []string{"sips:", "sip:", "tel:"} {
		if len(s) >= len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s, _, _ = strings.Cut(s, "?")
	if user, host, found := strings.Cut(s, "@"); found {
		if user == "" {
			user = host
		}
		s = user
	}
	s, _, _ = strings.Cut(s, ";")
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	if d, ok := phoneDigits(s); ok {
		return d
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// phoneDigits strips the separators of a phone number and its
// international prefix; ok is false for something that is not a number.
func phoneDigits(s string) (string, bool) {
	var b strings.Builder
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r == '*' || r == '#':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0 && strings.TrimSpace(s[:i]) == "":
			// the international prefix, dropped below
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '/' || r == '\t' || r == '\u00a0':
		default:
			return "", false
		}
	}
	if digits == 0 {
		return "", false
	}
	d := b.String()
	if strings.HasPrefix(d, "00") && len(d) > 6 {
		d = d[2:]
	}
	return d, true
}

// IsPhoneNumber reports whether s is a phone number (in any written form)
// rather than a SIP user name.
func IsPhoneNumber(s string) bool {
	_, ok := phoneDigits(Normalize(s))
	return ok
}

// tailDigits is how many trailing digits identify a number written with
// and without its country code (020 7946 0958 vs +44 20 7946 0958).
const tailDigits = 9

// tail is the last tailDigits digits of a normalised number, "" for short
// numbers and names, which must match exactly.
func tail(norm string) string {
	if len(norm) < tailDigits {
		return ""
	}
	for _, r := range norm {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return norm[len(norm)-tailDigits:]
}

// foldName lower-cases and strips the accents of common Latin letters, so
// that "jose" finds "José".
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if p, ok := unaccent[r]; ok {
			r = p
		}
		b.WriteRune(r)
	}
	return b.String()
}

var unaccent = func() map[rune]rune {
	const (
		accented = "àáâãäåāăąçćčďèéêëēėęěìíîïīįłñńňòóôõöøōőřśšşťùúûüūůűųýÿźżž"
		plain    = "aaaaaaaaacccdeeeeeeeeiiiiiilnnnoooooooorssstuuuuuuuuyyzzz"
	)
	m := map[rune]rune{}
	p := []rune(plain)
	for i, r := range []rune(accented) {
		m[r] = p[i]
	}
	return m
}()

// words are the search keys of a name: its folded words.
func words(name string) []string {
	f := strings.FieldsFunc(foldName(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	seen := map[string]bool{}
	out := f[:0]
	for _, w := range f {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

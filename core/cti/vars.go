package cti

import (
	"net/url"
	"strings"

	"github.com/softphone/softphone/core/call"
)

// Vars are what a trigger tells other programs about the call.
type Vars struct {
	Number    string // the remote party, in E.164 where it can be (Number)
	Raw       string // the remote URI's user part, untouched (or the URI)
	Name      string // the contact's name, else the display name, else ""
	Account   string // "" for a direct call
	CallID    string
	Direction string // "incoming" or "outgoing"
}

// VarsOf is the call's Vars, national numbers read with countryCode.
func VarsOf(i call.Info, countryCode string) Vars {
	name := i.Contact
	if name == "" {
		name = i.Remote.DisplayName
	}
	raw, _ := userPart(i.Remote.URI)
	return Vars{
		Number:    Number(i.Remote.URI, countryCode),
		Raw:       raw,
		Name:      name,
		Account:   i.Account,
		CallID:    i.ID,
		Direction: string(i.Direction),
	}
}

// value is the variable a popup_url placeholder names.
func (v Vars) value(name string) (string, bool) {
	switch name {
	case "number":
		return v.Number, true
	case "raw":
		return v.Raw, true
	case "name":
		return v.Name, true
	case "account":
		return v.Account, true
	case "call_id":
		return v.CallID, true
	case "direction":
		return v.Direction, true
	}
	return "", false
}

// Expand replaces the placeholders of tmpl ({number}, {raw}, {name},
// {account}, {call_id}, {direction}) with v's values, each escaped with
// url.QueryEscape so that no value can add a parameter, a path or a
// scheme. Anything else between braces is left as it is.
func Expand(tmpl string, v Vars) string {
	var b strings.Builder
	rest := tmpl
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			break
		}
		val, ok := v.value(rest[i+1 : i+j])
		if !ok {
			b.WriteString(rest[:i+1])
			rest = rest[i+1:]
			continue
		}
		b.WriteString(rest[:i])
		b.WriteString(url.QueryEscape(val))
		rest = rest[i+j+1:]
	}
	b.WriteString(rest)
	return b.String()
}

// Number is the remote party of uri ("sip:+44 20 7946 0000@host",
// "tel:0201234", "bob@host") as other programs look numbers up: in E.164
// where it can be. A "+digits" user part is kept, "00..." becomes
// "+...", a national number with one leading "0" becomes "+" countryCode
// and the rest when countryCode is set; separators (spaces, dashes, dots,
// parentheses, slashes) are dropped from numbers. Anything else (a name,
// "*97") is the user part as it is; a URI without one is returned whole.
func Number(uri, countryCode string) string {
	raw, hasUser := userPart(uri)
	if !hasUser {
		return raw
	}
	s, _, _ := strings.Cut(raw, ";")
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	if plus {
		// "+44 (0)20 ..." writes the national prefix for those dialling
		// inside the country: not part of the E.164 number.
		s = strings.Replace(s[1:], "(0)", "", 1)
	}
	digits := strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t-.()/", r) {
			return -1
		}
		return r
	}, s)
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return raw
	}
	switch {
	case plus:
		return "+" + digits
	case len(digits) > 2 && strings.HasPrefix(digits, "00"):
		return "+" + digits[2:]
	case len(digits) > 1 && digits[0] == '0' && digits[1] != '0' && countryCode != "":
		return "+" + countryCode + digits[1:]
	}
	return digits
}

// userPart is the user part of a SIP, SIPS or tel URI (or of a bare
// "user@host" or number), untouched; without one, the URI and false.
func userPart(uri string) (string, bool) {
	s := strings.TrimSpace(uri)
	if strings.HasPrefix(s, "<") && strings.HasSuffix(s, ">") {
		s = s[1 : len(s)-1]
	}
	scheme, rest, found := strings.Cut(s, ":")
	switch l := strings.ToLower(scheme); {
	case found && l == "tel":
		return rest, rest != ""
	case found && (l == "sip" || l == "sips"):
		s = rest
	}
	user, _, at := strings.Cut(s, "@")
	switch {
	case at && user != "":
		return user, true
	case !at && s != "" && !found:
		return s, true // a bare number or name
	}
	return uri, false
}

package sip

import (
	"net/url"
	"strings"
)

// maxLink bounds a clicked link: longer is no address anyone dials.
const maxLink = 512

// LinkTarget is the address a clicked sip:, sips:, tel: or callto: link
// dials (as the desktop hands it to us), ok false for any other link.
// A sip: link's ?headers part is dropped: a web page must not choose the
// headers of our INVITE (Replaces, Call-Info answer-after...). callto:
// (Skype style, with or without //) gives the number, user or address
// after it. What comes back is checked when it is dialled (AddressURI).
func LinkTarget(link string) (string, bool) {
	link = strings.TrimSpace(link)
	if len(link) > maxLink || strings.ContainsAny(link, " \t\r\n\x00") {
		return "", false
	}
	scheme, rest, ok := strings.Cut(link, ":")
	if !ok || rest == "" {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "sip", "sips":
		rest, _, _ = strings.Cut(rest, "?")
		if rest == "" {
			return "", false
		}
		return strings.ToLower(scheme) + ":" + rest, true
	case "tel":
		if u, err := url.PathUnescape(rest); err == nil {
			rest = u // browsers escape the "+"
		}
		return "tel:" + rest, true
	case "callto":
		rest = strings.TrimPrefix(rest, "//")
		rest, _, _ = strings.Cut(rest, "?")
		rest = strings.TrimSuffix(rest, "/")
		if u, err := url.PathUnescape(rest); err == nil {
			rest = u
		}
		if rest == "" || strings.ContainsAny(rest, " \t\r\n\x00") {
			return "", false
		}
		if _, err := telNumber(rest); err == nil {
			return "tel:" + rest, true
		}
		return rest, true
	}
	return "", false
}

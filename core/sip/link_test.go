package sip

import (
	"strings"
	"testing"
)

func TestLinkTarget(t *testing.T) {
	for link, want := range map[string]string{
		"sip:bob@example.com":                         "sip:bob@example.com",
		"SIP:bob@example.com;transport=tcp":           "sip:bob@example.com;transport=tcp",
		"sips:bob@example.com:5061":                   "sips:bob@example.com:5061",
		"sip:bob@example.com?Replaces=abc%3Bto-tag=1": "sip:bob@example.com",
		"tel:+1-555-0100":                             "tel:+1-555-0100",
		"tel:%2B4930123":                              "tel:+4930123",
		"callto:+4930123":                             "tel:+4930123",
		"callto://+4930123":                           "tel:+4930123",
		"callto:bob":                                  "bob",
		"callto://bob@example.com/":                   "bob@example.com",
		" sip:bob@example.com\n":                      "sip:bob@example.com",
	} {
		got, ok := LinkTarget(link)
		if !ok || got != want {
			t.Errorf("LinkTarget(%q) = %q %v, want %q", link, got, ok, want)
		}
		if _, _, err := AddressURI(got, "example.com"); err != nil {
			t.Errorf("LinkTarget(%q) = %q, which does not dial: %v", link, got, err)
		}
	}
	for _, bad := range []string{
		"", "sip:", "sip:?x=1", "http://example.com", "mailto:bob@example.com", "callto:",
		"sip:bob@example.com\x00", "sip:bob @example.com", "sip:" + strings.Repeat("a", 600) + "@x",
		"javascript:alert(1)", "bob",
	} {
		if got, ok := LinkTarget(bad); ok {
			t.Errorf("LinkTarget(%q) = %q, want refused", bad, got)
		}
	}
}

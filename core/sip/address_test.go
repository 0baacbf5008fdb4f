package sip

import (
	"errors"
	"testing"
)

func TestAddressURI(t *testing.T) {
	const domain = "pbx.example:5080"
	for in, want := range map[string]string{
		"2000":                              "sip:2000@pbx.example:5080",
		" bob ":                             "sip:bob@pbx.example:5080",
		"+4930123":                          "sip:+4930123@pbx.example:5080",
		"sip:2000":                          "sip:2000@pbx.example:5080",
		"sips:2000":                         "sips:2000@pbx.example:5080",
		"tel:+4930123":                      "sip:+4930123@pbx.example:5080",
		"TEL:+49-30-(123);phone-context=x":  "sip:+4930123@pbx.example:5080",
		"tel:*97":                           "sip:*97@pbx.example:5080",
		"bob@example.org":                   "sip:bob@example.org",
		"sip:carol@example.org":             "sip:carol@example.org",
		"SIPS:carol@example.org":            "sips:carol@example.org",
		"sip:c@10.0.0.2:5070;transport=tcp": "sip:c@10.0.0.2:5070;transport=tcp",
		"10.0.0.2:5070":                     "sip:10.0.0.2:5070",
		"sip:alice@[::1]:5070":              "sip:alice@[::1]:5070",
	} {
		got, _, err := AddressURI(in, domain)
		if err != nil || got != want {
			t.Errorf("AddressURI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "sip:", "bob smith", "bob smith@example.com", "sip:a>,<sip:x@evil.com>;y=\"@example.com",
		"sip:a@b\r\nX: y", "bob\r\nX: y", "tel:", "tel:+", "tel:+49 30", "tel:abc", "tel:+49+30",
		"http://x", "mailto:x@example.com", "<sip:a@b>", "sip:b@example.com:99999",
	} {
		if got, _, err := AddressURI(in, domain); err == nil {
			t.Errorf("AddressURI(%q) = %q, want an error", in, got)
		}
	}
	// Without a domain a user or number is well formed but has nowhere to go.
	for _, in := range []string{"bob", "tel:+4930123", "sip:2000"} {
		if _, _, err := AddressURI(in, ""); !errors.Is(err, ErrNoDomain) {
			t.Errorf("AddressURI(%q, \"\"): %v, want ErrNoDomain", in, err)
		}
	}
	for _, in := range []string{"bob smith", "tel:x", "a\"b"} {
		if _, _, err := AddressURI(in, ""); err == nil || errors.Is(err, ErrNoDomain) {
			t.Errorf("AddressURI(%q, \"\"): %v, want it refused", in, err)
		}
	}
}

package sip

import (
	"strings"
	"testing"
)

func TestParseTargetAccepts(t *testing.T) {
	for in, want := range map[string]string{
		"sip:bob@example.com":                     "sip:bob@example.com",
		" bob@example.com ":                       "sip:bob@example.com",
		"SIPS:carol@example.org":                  "sips:carol@example.org",
		"sip:c@10.0.0.2:5070;transport=tcp":       "sip:c@10.0.0.2:5070;transport=tcp",
		"sip:+4930123@pbx.example;user=phone":     "sip:+4930123@pbx.example;user=phone",
		"10.0.0.2:5070":                           "sip:10.0.0.2:5070",
		"localhost:5060":                          "sip:localhost:5060",
		"sip:alice@[::1]:5070":                    "sip:alice@[::1]:5070",
		"sip:[2001:db8::1]":                       "sip:[2001:db8::1]",
		"sip:a;b=c@host_1.example:65535;lr":       "sip:a;b=c@host_1.example:65535;lr",
		"sip:*97@pbx.example":                     "sip:*97@pbx.example",
		"sip:bob%20smith@example.com;maddr=a.b.c": "sip:bob%20smith@example.com;maddr=a.b.c",
	} {
		u, err := ParseTarget(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseTarget(%q) = %q, %v; want %q", in, u.String(), err, want)
		}
	}
}

func TestParseTargetRejects(t *testing.T) {
	for in, why := range map[string]string{
		"bob smith@example.com":                    "not allowed",
		"sip:bob\tsmith@example.com":               "control",
		"sip:a>,<sip:x@evil.com>;y=\"@example.com": "not allowed",
		"sip:a,sip:x@evil.com":                     "not allowed",
		"sip:a@b\r\nX: y":                          "control",
		"sip:a\\@b":                                "not allowed",
		"tel:+4930123":                             "tel: is not a sip",
		"mailto:x@example.com":                     "mailto: is not a sip",
		"http://example.com":                       "http: is not a sip",
		"sip:bob@example.com:70000":                "bad port",
		"sip:bob@example.com:0":                    "bad port",
		"sip:bob@example.com:+5060":                "bad port",
		"sip:bob@example.com:-1":                   "bad port",
		"sip:bob@[::1]:99999":                      "bad port",
		"sip:bob:secret@example.com":               "password",
		"sip:bob@example.com?Subject=hi":           "headers",
		"sip:bob@exa/mple.com":                     "bad host",
		"sip:a@b@c":                                "bad host",
		"sip:bob@[1.2.3.4]":                        "bad host",
		"sip:bob@":                                 "no host",
		"sip:*":                                    "bad host",
		"":                                         "",
	} {
		u, err := ParseTarget(in)
		if err == nil {
			t.Errorf("ParseTarget(%q) = %q, want an error", in, u.String())
			continue
		}
		if !strings.Contains(err.Error(), why) {
			t.Errorf("ParseTarget(%q): %v, want it to say %q", in, err, why)
		}
	}
}

package sip

import (
	"errors"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

func TestParseReferTo(t *testing.T) {
	rep := &Replaces{CallID: "12345@192.168.118.3", ToTag: "12345", FromTag: "5FFE-3994"}
	for _, tc := range []struct {
		in       string
		target   string
		replaces *Replaces
		err      error
	}{
		{in: "<sip:carol@example.com>", target: "sip:carol@example.com"},
		{in: "sip:carol@example.com", target: "sip:carol@example.com"},
		{in: "sip:carol@example.com;param=x", target: "sip:carol@example.com"},
		{in: `"Carol" <sips:carol@example.com:5061;transport=tls>;x=y`, target: "sips:carol@example.com:5061;transport=tls"},
		{in: "<sip:carol@10.0.0.2:5070?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>",
			target: "sip:carol@10.0.0.2:5070", replaces: rep},
		{in: "<sip:carol@h?Subject=hi&replaces=12345%40192.168.118.3%3Bfrom-tag%3D5FFE-3994%3Bto-tag%3D12345>",
			target: "sip:carol@h", replaces: rep},
		{in: "<sip:carol@h;method=INVITE>", target: "sip:carol@h;method=INVITE"},
		{in: "<tel:+1-555-123.4567>", target: "+15551234567"},
		{in: "<tel:1234;phone-context=example.com>", target: "1234"},
		{in: "", err: ErrBadReferTo},
		{in: "<sip:carol@h", err: ErrBadReferTo},
		{in: "<mailto:carol@h>", err: ErrBadReferTo},
		{in: "<carol>", err: ErrBadReferTo},
		{in: "<sip:>", err: ErrBadReferTo},
		{in: "<tel:12a>", err: ErrBadReferTo},
		{in: "<sip:carol@h\r\nX-Evil: 1>", err: ErrBadReferTo},
		{in: "<sip:carol@h?Replaces=abc>", err: ErrBadReferTo},
		{in: "<sip:carol@h?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2>", err: ErrBadReferTo},
		{in: "<sip:carol@h?Replaces=a%ZZ>", err: ErrBadReferTo},
		{in: "<sip:carol@h?Replaces=a%3Bto-tag%3D1%0D%0AX%3Bfrom-tag%3D2>", err: ErrBadReferTo},
		{in: "<sip:carol@h;method=BYE>", err: errReferMethod},
	} {
		target, replaces, err := ParseReferTo(tc.in)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ParseReferTo(%q) = %q, %+v, %v; want %v", tc.in, target, replaces, err, tc.err)
			}
			continue
		}
		if err != nil || target != tc.target || (replaces == nil) != (tc.replaces == nil) || replaces != nil && *replaces != *tc.replaces {
			t.Errorf("ParseReferTo(%q) = %q, %+v, %v; want %q, %+v", tc.in, target, replaces, err, tc.target, tc.replaces)
		}
	}
}

func TestFormatReferTo(t *testing.T) {
	rep := &Replaces{CallID: "a1b2@10.0.0.1", ToTag: "t-1", FromTag: "f.2"}
	for _, tc := range []struct {
		target   string
		replaces *Replaces
		want     string
	}{
		{target: "sip:carol@example.com", want: "<sip:carol@example.com>"},
		{target: "carol@example.com:5070", want: "<sip:carol@example.com:5070>"},
		{target: "sip:carol@10.0.0.2:5070;transport=tcp", replaces: rep,
			want: "<sip:carol@10.0.0.2:5070;transport=tcp?Replaces=a1b2%4010.0.0.1%3Bto-tag%3Dt-1%3Bfrom-tag%3Df.2>"},
	} {
		got, err := FormatReferTo(tc.target, tc.replaces)
		if err != nil || got != tc.want {
			t.Errorf("FormatReferTo(%q) = %q, %v; want %q", tc.target, got, err, tc.want)
			continue
		}
		// What the far end reads back, once sipgo parsed the header.
		req := parseRequest(t, "REFER sip:b@h SIP/2.0\r\nRefer-To: "+got+"\r\n")
		target, replaces, err := ParseReferTo(req.GetHeader("Refer-To").Value())
		if err != nil || !strings.HasPrefix(got, "<"+target) || (replaces == nil) != (tc.replaces == nil) || replaces != nil && *replaces != *tc.replaces {
			t.Errorf("%q read back as %q, %+v, %v", got, target, replaces, err)
		}
	}
	for _, bad := range []string{
		"sip:carol@h\r\nX-Evil: 1",
		"sip:carol@h?Replaces=x%3Bto-tag%3D1%3Bfrom-tag%3D2",
		"sip:carol>@h",
		"sip:\"carol\"@h",
		"sip:@",
		"",
	} {
		if got, err := FormatReferTo(bad, nil); err == nil {
			t.Errorf("FormatReferTo(%q) = %q, want an error", bad, got)
		}
	}
	if got, err := FormatReferTo("sip:c@h", &Replaces{CallID: "a b", ToTag: "1", FromTag: "2"}); err == nil {
		t.Errorf("FormatReferTo with a bad Replaces = %q, want an error", got)
	}
}

// parseRequest parses a request head plus the headers sipgo needs.
func parseRequest(t *testing.T, head string) *sip.Request {
	t.Helper()
	raw := head + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n" +
		"Call-ID: c1\r\nCSeq: 2 REFER\r\nContent-Length: 0\r\n\r\n"
	msg, err := sip.ParseMessage([]byte(raw))
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	return msg.(*sip.Request)
}

func FuzzParseReferTo(f *testing.F) {
	for _, s := range []string{
		"<sip:carol@h?Replaces=a%40b%3Bto-tag%3D1%3Bfrom-tag%3D2>", "sip:c@h;x", "<tel:+1-23>", "<sip:c@h;method=BYE>", "<",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, replaces, err := ParseReferTo(s)
		if err != nil {
			return
		}
		if !validHeaderValue(target) || strings.ContainsAny(target, "<>?") {
			t.Fatalf("ParseReferTo(%q) gave target %q", s, target)
		}
		if replaces != nil && !replaces.Valid() {
			t.Fatalf("ParseReferTo(%q) gave Replaces %+v", s, replaces)
		}
	})
}

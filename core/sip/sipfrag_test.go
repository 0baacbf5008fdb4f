package sip

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSipfrag(t *testing.T) {
	for _, tc := range []struct {
		body   string
		code   int
		reason string
		bad    bool
	}{
		{body: "SIP/2.0 100 Trying\r\n", code: 100, reason: "Trying"},
		{body: "SIP/2.0 180 Ringing", code: 180, reason: "Ringing"},
		{body: "SIP/2.0 200 OK\r\nContact: <sip:c@h>\r\n\r\n", code: 200, reason: "OK"},
		{body: "sip/2.0 486 Busy Here\n", code: 486, reason: "Busy Here"},
		{body: "  SIP/2.0  603  Decline  \r\n", code: 603, reason: "Decline"},
		{body: "SIP/2.0 404\r\n", code: 404, reason: ""},
		{body: "SIP/2.0 503 Service Unavailable (no route)", code: 503, reason: "Service Unavailable (no route)"},
		{body: "", bad: true},
		{body: "\r\n", bad: true},
		{body: "INVITE sip:bob@host SIP/2.0\r\n", bad: true},
		{body: "SIP/3.0 200 OK", bad: true},
		{body: "SIP/2.0 99 Odd", bad: true},
		{body: "SIP/2.0 700 Odd", bad: true},
		{body: "SIP/2.0 2000 OK", bad: true},
		{body: "SIP/2.0 2x0 OK", bad: true},
		{body: "SIP/2.0 +20 OK", bad: true},
		{body: "SIP/2.0 200 O\x00K", bad: true},
		{body: "SIP/2.0", bad: true},
		{body: "HTTP/1.1 200 OK", bad: true},
		{body: "SIP/2.0 200 " + strings.Repeat("x", 10000), bad: true},
	} {
		code, reason, err := ParseSipfrag([]byte(tc.body))
		if tc.bad {
			if err == nil || !errors.Is(err, ErrBadSipfrag) {
				t.Errorf("ParseSipfrag(%q) = %d %q, %v; want ErrBadSipfrag", tc.body, code, reason, err)
			}
			continue
		}
		if err != nil || code != tc.code || reason != tc.reason {
			t.Errorf("ParseSipfrag(%q) = %d %q, %v; want %d %q", tc.body, code, reason, err, tc.code, tc.reason)
		}
	}
}

func TestFormatSipfrag(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   string
	}{
		{100, "Trying", "SIP/2.0 100 Trying\r\n"},
		{200, "OK", "SIP/2.0 200 OK\r\n"},
		{486, "", "SIP/2.0 486 Busy Here\r\n"},
		{180, "Ring\r\nX-Evil: 1", "SIP/2.0 180 Ringing\r\n"},
		{0, "", "SIP/2.0 500 Server Internal Error\r\n"},
		{503, " padded ", "SIP/2.0 503 Service Unavailable\r\n"},
		{404, "Not Found", "SIP/2.0 404 Not Found\r\n"},
	} {
		got := string(FormatSipfrag(tc.code, tc.reason))
		if got != tc.want {
			t.Errorf("FormatSipfrag(%d, %q) = %q, want %q", tc.code, tc.reason, got, tc.want)
		}
		code, _, err := ParseSipfrag([]byte(got))
		if err != nil || code < 100 {
			t.Errorf("FormatSipfrag(%d) does not parse back: %d, %v", tc.code, code, err)
		}
	}
}

func FuzzParseSipfrag(f *testing.F) {
	for _, s := range []string{"SIP/2.0 200 OK\r\n", "SIP/2.0 180 Ringing", "INVITE x SIP/2.0", "", "SIP/2.0 999 x"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		code, reason, err := ParseSipfrag(body)
		if err != nil {
			return
		}
		if code < 100 || code > 699 || strings.ContainsAny(reason, "\r\n") {
			t.Fatalf("ParseSipfrag(%q) = %d %q", body, code, reason)
		}
		// What we parse, we can write and read back the same.
		c2, r2, err := ParseSipfrag(FormatSipfrag(code, reason))
		if err != nil || c2 != code || reason != "" && r2 != reason {
			t.Fatalf("round trip of %d %q: %d %q, %v", code, reason, c2, r2, err)
		}
	})
}

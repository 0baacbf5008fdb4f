package sip

import (
	"errors"
	"strings"
	"testing"
)

func TestParseReplaces(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Replaces
		bad  bool
	}{
		{in: "98732@sip.example.com;to-tag=r33th4x0r;from-tag=ff87ff",
			want: Replaces{CallID: "98732@sip.example.com", ToTag: "r33th4x0r", FromTag: "ff87ff"}},
		{in: "abc;from-tag=2;to-tag=1", want: Replaces{CallID: "abc", ToTag: "1", FromTag: "2"}},
		{in: " abc ; TO-TAG = 1 ; From-Tag=2 ;early-only", want: Replaces{CallID: "abc", ToTag: "1", FromTag: "2", EarlyOnly: true}},
		{in: "abc;to-tag=1;from-tag=2;x-extra=\"q\";flag", want: Replaces{CallID: "abc", ToTag: "1", FromTag: "2"}},
		{in: "a-b.c!d%e*f_g+h`i'j~k(l)m<n>o:p\\q\"r/s[t]u?v{w}x@host;to-tag=1;from-tag=2",
			want: Replaces{CallID: "a-b.c!d%e*f_g+h`i'j~k(l)m<n>o:p\\q\"r/s[t]u?v{w}x@host", ToTag: "1", FromTag: "2"}},
		{in: "", bad: true},
		{in: "abc", bad: true},
		{in: "abc;to-tag=1", bad: true},
		{in: "abc;from-tag=2", bad: true},
		{in: ";to-tag=1;from-tag=2", bad: true},
		{in: "a b;to-tag=1;from-tag=2", bad: true},
		{in: "a@b@c;to-tag=1;from-tag=2", bad: true},
		{in: "@b;to-tag=1;from-tag=2", bad: true},
		{in: "abc;to-tag=;from-tag=2", bad: true},
		{in: "abc;to-tag;from-tag=2", bad: true},
		{in: "abc;to-tag=1;to-tag=3;from-tag=2", bad: true},
		{in: "abc;to-tag=1 2;from-tag=2", bad: true},
		{in: "abc;to-tag=1;from-tag=2\r\nX-Evil: 1", bad: true},
		{in: "abc;to-tag=1;from-tag=2;early-only=yes", bad: true},
		{in: "abc;to-tag=1;from-tag=<2>", bad: true},
		{in: "abc;to-tag=1;from-tag=2;" + strings.Repeat("x", 2000), bad: true},
	} {
		got, err := ParseReplaces(tc.in)
		if tc.bad {
			if err == nil || !errors.Is(err, ErrBadReplaces) {
				t.Errorf("ParseReplaces(%q) = %+v, %v; want ErrBadReplaces", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseReplaces(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		back, err := ParseReplaces(got.String())
		if err != nil || back != got {
			t.Errorf("round trip of %q: %q → %+v, %v", tc.in, got.String(), back, err)
		}
	}
}

func FuzzParseReplaces(f *testing.F) {
	for _, s := range []string{"abc@h;to-tag=1;from-tag=2", "abc;to-tag=1;from-tag=2;early-only", ";;", "a;to-tag=1;from-tag=2;x=\"y\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReplaces(s)
		if err != nil {
			return
		}
		if !r.Valid() || strings.ContainsAny(r.String(), "\r\n ,") {
			t.Fatalf("ParseReplaces(%q) = %+v, which is not fit for a header", s, r)
		}
		back, err := ParseReplaces(r.String())
		if err != nil || back != r {
			t.Fatalf("round trip of %q: %+v, %v", s, back, err)
		}
	})
}

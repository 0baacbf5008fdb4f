package cti

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	const secret = "0123456789abcdef-secret"
	body := []byte(`{"event":"ring"}`)
	at := time.Unix(1_800_000_000, 0)
	h := Sign(secret, body, at)
	if !strings.HasPrefix(h, "t=1800000000,v1=") || len(h) != len("t=1800000000,v1=")+64 {
		t.Fatalf("Sign = %q", h)
	}
	if err := Verify(secret, h, body, at.Add(time.Minute), 0); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	// A receiver may list a signature by an old secret beside ours.
	if err := Verify(secret, "t=1800000000,v1="+strings.Repeat("00", 32)+","+h[len("t=1800000000,"):], body, at, time.Second); err != nil {
		t.Errorf("Verify with two v1: %v", err)
	}
	for _, tt := range []struct {
		name, secret, header string
		body                 []byte
		now                  time.Time
		tol                  time.Duration
		want                 error
	}{
		{"other body", secret, h, []byte(`{"event":"hangup"}`), at, 0, ErrSignature},
		{"other secret", secret + "x", h, body, at, 0, ErrSignature},
		{"no secret", "", h, body, at, 0, ErrSignature},
		{"time changed", secret, strings.Replace(h, "t=1800000000", "t=1800000001", 1), body, at, 0, ErrSignature},
		{"stale", secret, h, body, at.Add(6 * time.Minute), 0, ErrStale},
		{"future", secret, h, body, at.Add(-11 * time.Second), 10 * time.Second, ErrStale},
		{"empty", secret, "", body, at, 0, ErrSignature},
		{"no v1", secret, "t=1800000000", body, at, 0, ErrSignature},
		{"two t", secret, "t=1," + h, body, at, 0, ErrSignature},
		{"short v1", secret, "t=1800000000,v1=abcd", body, at, 0, ErrSignature},
	} {
		if err := Verify(tt.secret, tt.header, tt.body, tt.now, tt.tol); !errors.Is(err, tt.want) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
}

package media

import (
	"strings"
	"testing"
)

func FuzzDecodeDTMFEvent(f *testing.F) {
	f.Add([]byte{5, 0x8a, 3, 0x20})
	f.Add([]byte{11, 0x4a, 0, 160})
	f.Add([]byte{200, 0, 0, 0})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, p []byte) {
		e, err := DecodeDTMFEvent(p)
		if err != nil {
			return
		}
		// What decodes encodes back to the same bytes, bar the R bit.
		q, err := EncodeDTMFEvent(nil, e)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", e, err)
		}
		want := []byte{p[0], p[1] &^ 0x40, p[2], p[3]}
		if string(q) != string(want) {
			t.Fatalf("%x → %+v → %x", p, e, q)
		}
		r := NewDTMFReceiver()
		if d, ok, err := r.Receive(0, p); !ok || err != nil || !strings.ContainsRune(dtmfDigits, d) {
			t.Fatalf("receiver on %x: %q %v %v", p, d, ok, err)
		}
	})
}

func FuzzParseDTMFInfo(f *testing.F) {
	f.Add("application/dtmf-relay", "Signal=5\r\nDuration=160")
	f.Add("application/dtmf-relay", "signal=#\n")
	f.Add("application/dtmf", "5")
	f.Add("application/dtmf; x=\"y\"", " 11 ")
	f.Fuzz(func(t *testing.T, ct, body string) {
		info, err := ParseDTMFInfo(ct, []byte(body))
		if err != nil {
			return
		}
		if !strings.ContainsRune(dtmfDigits, info.Digit) || info.Duration < 0 || info.Duration > dtmfInfoMaxDuration {
			t.Fatalf("%q %q: %+v", ct, body, info)
		}
	})
}

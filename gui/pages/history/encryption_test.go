package history

import (
	"strings"
	"testing"
)

// An encrypted call says how in its details line; plain ones say nothing.
func TestHistoryShowsTheEncryption(t *testing.T) {
	cs := calls(4)
	cs[1].Encryption = "dtls-srtp"
	cs[2].Encryption = "none"
	cs[3].Encryption, cs[3].Recording = "srtp", "/tmp/r.wav"
	h := newHarness(t, cs...)
	var marked []string
	for _, s := range h.Texts() {
		if strings.HasPrefix(s, "Outgoing") || strings.HasPrefix(s, "Incoming") || strings.HasPrefix(s, "Missed") {
			if strings.Contains(s, "SRTP") || strings.Contains(s, "none") {
				marked = append(marked, s)
			}
		}
	}
	want := []string{"Outgoing · sip:1@pbx · work · 1:00 · DTLS-SRTP", "Outgoing · work · 1:00 · SRTP · recorded"}
	if strings.Join(marked, "\n") != strings.Join(want, "\n") {
		t.Fatalf("details with encryption:\n%s\nwant:\n%s\nall: %q", strings.Join(marked, "\n"), strings.Join(want, "\n"), h.Texts())
	}
}

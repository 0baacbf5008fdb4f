package codecs

import (
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/codec"
)

func names(t *testing.T, list string) []string {
	t.Helper()
	cs, err := ByNames(strings.Split(list, ","))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Info().Name)
	}
	return out
}

func TestDefaultOrder(t *testing.T) {
	var got []string
	for _, c := range Default() {
		got = append(got, c.Info().Name)
	}
	if strings.Join(got, ",") != "opus,G722,PCMU,PCMA" {
		t.Fatalf("order %v", got)
	}
}

func TestByNames(t *testing.T) {
	if got := strings.Join(names(t, "PCMA, g722,Opus"), ","); got != "PCMA,G722,opus" {
		t.Fatalf("got %s", got)
	}
	_, err := ByNames([]string{"opus", "gsm"})
	if err == nil || !strings.Contains(err.Error(), `"gsm"`) || !strings.Contains(err.Error(), "opus, g722, pcmu, pcma") {
		t.Fatalf("unknown name: %v", err)
	}
	if _, err := ByNames([]string{"pcmu", "PCMU"}); err == nil {
		t.Fatal("duplicate accepted")
	}
}

// TestAllWork runs one 20 ms frame through every default codec, which
// checks that each makes working encoders and decoders through the
// common interface.
func TestAllWork(t *testing.T) {
	for _, c := range Default() {
		info := c.Info()
		e, err := c.NewEncoder(codec.Options{})
		if err != nil {
			t.Fatal(info.Name, err)
		}
		d, err := c.NewDecoder()
		if err != nil {
			t.Fatal(info.Name, err)
		}
		n := info.FrameSamples(20 * time.Millisecond)
		pcm := make([]int16, n)
		buf := make([]byte, 1500)
		m, err := e.Encode(pcm, buf)
		if err != nil || m == 0 {
			t.Fatal(info.Name, m, err)
		}
		if k, err := d.Decode(buf[:m], pcm); err != nil || k != n {
			t.Fatal(info.Name, k, err)
		}
		if k, err := d.Conceal(nil, pcm); err != nil || k != n {
			t.Fatal(info.Name, k, err)
		}
	}
}

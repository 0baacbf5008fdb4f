package incall_test

import (
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/pages/incall"
	"github.com/softphone/softphone/gui/theme"
)

// The lock and the scheme's name show for SRTP and DTLS-SRTP, beside the
// quality badge; plain or not yet agreed media shows neither.
func TestEncryptionMark(t *testing.T) {
	for _, c := range []struct{ enc, name string }{
		{call.EncryptionSRTP, "SRTP"},
		{call.EncryptionDTLS, "DTLS-SRTP"},
		{call.EncryptionNone, ""},
		{"", ""},
	} {
		t.Run("enc="+c.enc, func(t *testing.T) {
			a := alice()
			a.Encryption = c.enc
			s := newScreen(t, a)
			s.Phone.Quality["a"] = goodStats()
			s.Frame()
			s.ExpectPart("Call quality Good")
			if c.name == "" {
				for _, n := range s.Nodes() {
					if strings.Contains(n.Desc.Label, "SRTP") || strings.Contains(strings.ToLower(n.Desc.Description), "encrypt") {
						t.Fatalf("an encryption mark for %q: %+v", c.enc, n.Desc)
					}
				}
				return
			}
			mark, ok := s.Find("Audio encrypted with " + c.name)
			if !ok {
				t.Fatalf("no encryption mark; have %q", s.Descriptions())
			}
			label, ok := s.Find(c.name)
			if !ok {
				t.Fatalf("no %q text on screen", c.name)
			}
			// A label's area runs to its constraints: only its corner says
			// where the text starts.
			if !label.Bounds.Min.In(mark.Bounds) {
				t.Fatalf("the name %v starts outside the mark %v", label.Bounds, mark.Bounds)
			}
			// The lock is drawn before the name, in the accept colour.
			lock := image.Rect(mark.Bounds.Min.X, mark.Bounds.Min.Y, label.Bounds.Min.X, mark.Bounds.Max.Y)
			if lock.Dx() < 12 {
				t.Fatalf("no room for the lock before the name: mark %v, name %v", mark.Bounds, label.Bounds)
			}
			img := s.Screenshot(filepath.Join(t.TempDir(), "mark.png"))
			if n := countColour(img, lock, theme.New(false, nil).Accept); n < 20 {
				t.Errorf("%d lock pixels in %v", n, lock)
			}
		})
	}
}

// The quality details say which way the audio goes once the engine knows.
func TestPathShown(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"relay", "Via relay"},
		{"srflx", "Via NAT"},
		{"prflx", "Via NAT"},
		{"host", "Direct"},
	} {
		s := newScreen(t, alice())
		q := figures(1000, 0, 5*time.Millisecond, 40*time.Millisecond)
		q.Path = c.path
		s.Phone.Quality["a"] = q
		s.Frame()
		s.ExpectPart("Call quality Good. Opus · Jitter 5 ms · Loss 0.0% · RTT 40 ms · " + c.want)
	}
	s := newScreen(t, alice())
	s.Phone.Quality["a"] = figures(1000, 0, 5*time.Millisecond, 40*time.Millisecond)
	s.Frame()
	for _, w := range []string{"Via", "Direct"} {
		if d, ok := s.FindPart(w); ok {
			t.Errorf("a path shown on a plain socket: %q", d.Description)
		}
	}
	// Known before any audio came in.
	s = newScreen(t, alice())
	var q = figures(0, 0, 0, 0)
	q.Path = "relay"
	s.Phone.Quality["a"] = q
	s.Frame()
	s.ExpectPart("No audio figures yet · Via relay")
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{"srtp": "SRTP", "dtls-srtp": "DTLS-SRTP", "none": "", "": ""} {
		if got := incall.EncryptionName(in); got != want {
			t.Errorf("EncryptionName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"host": "Direct", "srflx": "Via NAT", "prflx": "Via NAT", "relay": "Via relay", "": ""} {
		if got := incall.PathName(in); got != want {
			t.Errorf("PathName(%q) = %q, want %q", in, got, want)
		}
	}
}

// countColour counts the pixels of r about colour c.
func countColour(img *image.RGBA, r image.Rectangle, c color.NRGBA) int {
	near := func(a, b uint8) bool { return int(a)-int(b) < 24 && int(b)-int(a) < 24 }
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := img.RGBAAt(x, y)
			if near(p.R, c.R) && near(p.G, c.G) && near(p.B, c.B) {
				n++
			}
		}
	}
	return n
}

//go:build windows

package notify

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/softphone/softphone/internal/wine"
)

// TestBalloon shows a balloon, replaces it, and closes. Under Wine it is
// run by TestBalloonUnderWine (Linux), which looks at the X display and
// drives it through stdin: "shown", then "close", then "closed".
func TestBalloon(t *testing.T) {
	driven := os.Getenv(driverEnv) != ""
	if !driven {
		wine.Skip(t, "Wine's notification area needs the X display TestBalloonUnderWine gives it")
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Notify(balloonTitle, balloonBody); err != nil {
		t.Fatal(err)
	}
	// The second replaces the first: one call, one balloon.
	if err := d.Notify(balloonTitle, balloonBody); err != nil {
		t.Fatal(err)
	}
	in := bufio.NewScanner(os.Stdin)
	if driven {
		fmt.Println("shown")
		for in.Scan() && strings.TrimSpace(in.Text()) != "close" {
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if driven {
		fmt.Println("closed")
		for in.Scan() { // until the driver has looked
		}
	}
}

func TestCopyUTF16CutsAndTerminates(t *testing.T) {
	var dst [8]uint16
	copyUTF16(dst[:], strings.Repeat("x", 20))
	if got := string(utf16.Decode(dst[:7])); got != "xxxxxxx" || dst[7] != 0 {
		t.Fatalf("cut: %q, last %d", got, dst[7])
	}
	var d2 [8]uint16
	copyUTF16(d2[:], "ab\x00cd")
	if got := string(utf16.Decode(d2[:2])); got != "ab" || d2[2] != 0 {
		t.Fatalf("NUL: %q %v", got, d2)
	}
}

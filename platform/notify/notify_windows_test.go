//go:build windows

package notify

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf16"
)

// TestBalloonForTheLinuxDriver is run by TestBalloonUnderWine (the Linux
// side, which watches the X display): it shows a balloon, says so, and
// closes when told. Run alone it would only prove that the calls return,
// which the driver's look at the screen proves better.
func TestBalloonForTheLinuxDriver(t *testing.T) {
	if os.Getenv(driverEnv) == "" {
		t.Skip("started by TestBalloonUnderWine on Linux, which checks the screen")
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
	fmt.Println("shown")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && strings.TrimSpace(in.Text()) != "close" {
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Println("closed")
	for in.Scan() { // until the driver has looked
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

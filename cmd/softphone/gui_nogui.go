//go:build nogui

package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

// runGUI in a build without the window (go build -tags nogui: a headless
// phone for servers and automation, with no graphics libraries to load)
// says so and exits.
func runGUI(_ context.Context, _ []string, stderr io.Writer) {
	fmt.Fprintf(stderr, "softphone: this build has no window (built with -tags nogui); use a command:\n\n%s", usage)
	os.Exit(exitUsage)
}

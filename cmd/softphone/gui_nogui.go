//go:build nogui

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
)

// runGUI in a build without the window (go build -tags nogui: a headless
// phone for servers and automation, with no graphics libraries to load)
// hands a clicked link to the running 'softphone serve', and otherwise
// says there is no window and exits.
func runGUI(ctx context.Context, args []string, stderr io.Writer) {
	fset := flag.NewFlagSet("softphone", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	cfgPath := fset.String("config", "", "configuration file")
	if parseArgs(fset, args) == nil && fset.NArg() == 1 && isLink(fset.Arg(0)) {
		_, handed, code := launchLink(ctx, *cfgPath, fset.Arg(0), stderr)
		if !handed {
			fmt.Fprintln(stderr, "softphone: no softphone is running to dial it, and this build has no window: start 'softphone serve'")
			code = exitFailed
		}
		os.Exit(code)
	}
	fmt.Fprintf(stderr, "softphone: this build has no window (built with -tags nogui); use a command:\n\n%s", usage)
	os.Exit(exitUsage)
}

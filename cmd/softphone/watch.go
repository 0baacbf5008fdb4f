package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

const watchUsage = `usage: softphone watch [--account A] [--json] URI...

Subscribes to the dialog state of the extensions (busy lamp field) and
prints each change, until interrupted: idle, ringing, busy or unknown.
URI is a user or number at the account's domain, or a SIP URI.
`

func cmdWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("watch", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, watchUsage+"\nFlags:\n"); fset.PrintDefaults() }
	var f callFlags
	f.registerCommon(fset, "account to subscribe through")
	if err := parseArgs(fset, args); err != nil {
		return helpOrUsage(err)
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return exitUsage
	}
	for _, u := range fset.Args() {
		if err := checkTargetArg("watch", u); err != nil {
			fmt.Fprintf(stderr, "softphone %v\n", err)
			return exitUsage
		}
	}
	ss, code := f.start(ctx, stderr, true)
	if ss == nil {
		return code
	}
	defer ss.stop()
	if err := ss.phone.Watch(ctx, fset.Args()); err != nil {
		fmt.Fprintf(stderr, "softphone: watch: %v\n", err)
		return exitUsage
	}
	out := eventPrinter(stdout, f.asJSON)
	for {
		select {
		case <-ctx.Done():
			return exitOK
		case e, ok := <-ss.events:
			if !ok {
				return exitOK
			}
			out(e)
		}
	}
}

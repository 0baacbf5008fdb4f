package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/internal/api"
)

const apiUsage = `usage: softphone api token [--config F] [--rotate]

Prints the local API's token (made on first use, kept in a file only you
can read next to the configuration). Send it as "Authorization: Bearer
TOKEN", or as the first WebSocket message {"token": "TOKEN"}. --rotate
makes a new one; running phones read the token at start.
`

func cmdAPI(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "token" {
		fmt.Fprint(stderr, apiUsage)
		return exitUsage
	}
	fset := flag.NewFlagSet("api token", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, apiUsage+"\nFlags:\n"); fset.PrintDefaults() }
	cfgPath := fset.String("config", "", "configuration file (the token is kept beside it)")
	rotate := fset.Bool("rotate", false, "replace the token with a new one")
	if err := parseArgs(fset, args[1:]); err != nil {
		return exitUsage
	}
	path, err := configPath(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone api: %v\n", err)
		return exitUsage
	}
	get := api.LoadOrCreateToken
	if *rotate {
		get = api.RotateToken
	}
	tok, err := get(api.TokenPath(path))
	if err != nil {
		fmt.Fprintf(stderr, "softphone api: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, tok)
	return exitOK
}

const dialUsage = `usage: softphone dial [--config F] [--account A] NUMBER|URI

Asks the softphone already running with the configuration (the window or
'softphone serve') to place a call, and prints the call's id. Links work
too: sip:, sips:, tel:, callto:.
`

func cmdDial(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("dial", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, dialUsage+"\nFlags:\n"); fset.PrintDefaults() }
	cfgPath := fset.String("config", "", "configuration file of the running softphone")
	account := fset.String("account", "", "account to call from (default: picked by the address)")
	if err := parseArgs(fset, args); err != nil {
		return exitUsage
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return exitUsage
	}
	to := fset.Arg(0)
	if t, ok := core.LinkTarget(to); ok {
		to = t
	} else if strings.Contains(to, "://") {
		fmt.Fprintf(stderr, "softphone dial: %q is not a sip:, sips:, tel: or callto: link\n", to)
		return exitUsage
	}
	path, err := configPath(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone dial: %v\n", err)
		return exitUsage
	}
	id, err := api.HandOff(ctx, api.InstancePath(path), to, *account)
	var re *api.RemoteError
	switch {
	case errors.Is(err, api.ErrNoInstance):
		fmt.Fprintf(stderr, "softphone dial: %v: start it with 'softphone' or 'softphone serve'\n", err)
		return exitFailed
	case errors.As(err, &re) && re.Status/100 == 4:
		fmt.Fprintf(stderr, "softphone dial: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "softphone dial: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, id)
	return exitOK
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"

	"github.com/softphone/softphone/internal/api"
)

const serveUsage = `usage: softphone serve [flags]

A headless phone for computer-telephony integration: it registers the
accounts, runs the configuration's screen-pop, hooks and webhooks, and
serves the local API (JSON routes and a WebSocket of events) on --api,
else [api] listen, else ` + api.DefaultListen + `. Every request needs the
token 'softphone api token' prints. Calls placed with 'softphone dial' or
a clicked sip: link come here too. It runs until interrupted.

`

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, serveUsage+"Flags:\n")
		fset.PrintDefaults()
	}
	var f callFlags
	f.registerCommon(fset, "run only this account")
	f.registerAudio(fset)
	addrFlag := fset.String("api", "", "where the API listens: `HOST:PORT` (loopback unless [api] allow_remote, with TLS) or unix:/PATH")
	if err := parseArgs(fset, args); err != nil {
		return exitUsage
	}
	s, err := f.setup(stderr, true)
	if err != nil {
		fmt.Fprintf(stderr, "softphone serve: %v\n", err)
		return exitUsage
	}
	c, err := compose(ctx, s)
	if err != nil {
		fmt.Fprintf(stderr, "softphone serve: %v\n", err)
		return exitUsage
	}
	if c.storeErr != nil {
		fmt.Fprintf(stderr, "softphone serve: history is not recorded: %v\n", c.storeErr)
	}
	phone := c.phone
	stopInstance, err := serveInstance(ctx, phone, s.cfg.Path, s.log)
	if errors.Is(err, api.ErrInUse) {
		c.close(ctx)
		fmt.Fprintf(stderr, "softphone serve: a softphone already runs with %s\n", s.cfg.Path)
		return exitRuntime
	}
	if err != nil {
		s.log.Warn("no instance socket: 'softphone dial' and clicked links will not reach this phone", "error", err)
		stopInstance = func() {}
	}
	defer stopInstance()
	bound, stopAPI, err := serveAPI(ctx, phone, s.cfg, apiAddr(*addrFlag, s.cfg, api.DefaultListen), s.log)
	if err != nil {
		c.close(ctx)
		fmt.Fprintf(stderr, "softphone serve: %v\n", err)
		return apiExitCode(err)
	}
	defer stopAPI()
	stopCTI := startCTI(ctx, phone, s.log)
	defer stopCTI()
	events, unsubscribe := phone.Events()
	defer unsubscribe()
	if err := phone.Start(ctx); err != nil {
		c.close(ctx)
		fmt.Fprintf(stderr, "softphone serve: %v\n", err)
		return exitRuntime
	}
	w := &syncWriter{w: stdout}
	apiLine(w, f.asJSON, bound)
	out := eventPrinter(w, f.asJSON)
	var printing sync.WaitGroup
	printing.Go(func() {
		for e := range events {
			out(e)
		}
	})
	<-ctx.Done()
	// The API goes first, so no new command races the close; the last
	// events (hang-ups, unregistrations) are printed, then the stream ends.
	stopAPI()
	c.close(ctx)
	printing.Wait()
	return exitOK
}

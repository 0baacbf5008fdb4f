package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/softphone/softphone/core"
)

const voicemailUsage = `usage: softphone voicemail [--account A] [--json] [--timeout D] [--dial [call flags]]

Registers the accounts, subscribes to their message-waiting indication and
prints each account's voicemail count once the server has sent it (or,
after --timeout, that it is unknown); exit 1 when a count did not arrive.
--dial instead calls the voicemail number at once (the account's
"voicemail" setting) and follows the call like 'softphone call'; with
--json the counts come as events meanwhile.
`

func cmdVoicemail(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("voicemail", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, voicemailUsage+"\nFlags:\n"); fset.PrintDefaults() }
	var f callFlags
	f.register(fset)
	dial := fset.Bool("dial", false, "call the voicemail (and follow the call) instead of waiting for the counts")
	timeout := fset.Duration("timeout", 10*time.Second, "how long to wait for the counts")
	if err := parseArgs(fset, args); err != nil {
		return helpOrUsage(err)
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "softphone voicemail: unexpected argument %q\n", fset.Arg(0))
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "softphone voicemail: --timeout must be positive")
		return exitUsage
	}
	cfg, err := loadConfig(f.cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	want := map[string]bool{} // accounts whose count we wait for
	for _, a := range cfg.Accounts {
		if (f.account == "" && a.Enabled || a.Name == f.account) && !a.NoMWI {
			want[a.Name] = true
		}
	}
	if len(want) == 0 && !*dial {
		fmt.Fprintf(stderr, "softphone: no account of %s subscribes to voicemail (mwi = false, or none enabled)\n", cfg.Path)
		return exitUsage
	}
	ss, code := f.start(ctx, stderr, true)
	if ss == nil {
		return code
	}
	defer ss.stop()
	out := eventPrinter(stdout, f.asJSON)
	if *dial {
		id, err := ss.phone.DialVoicemail(ctx, f.account)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: voicemail: %v\n", err)
			return exitFailed
		}
		return followCall(ctx, ss.phone, ss.events, id, callActions{hangupAfter: f.hangupAfter}, out, !f.asJSON, stdout, stderr)
	}
	got := map[string]bool{}
	deadline := time.NewTimer(*timeout)
	defer deadline.Stop()
wait:
	for len(got) < len(want) {
		select {
		case <-ctx.Done():
			break wait
		case <-deadline.C:
			break wait
		case e, ok := <-ss.events:
			if !ok {
				break wait
			}
			if f.asJSON {
				out(e) // the JSON stream carries everything; the summary below is for people
			}
			if ve, isVM := e.(core.VoicemailEvent); isVM && want[ve.Account] {
				got[ve.Account] = true
			}
		}
	}
	if f.asJSON {
		if len(got) < len(want) {
			fmt.Fprintf(stderr, "softphone: no voicemail count from %d account(s) within %s\n", len(want)-len(got), *timeout)
			return exitFailed
		}
		return exitOK
	}
	for _, v := range ss.phone.State().Voicemail {
		switch {
		case got[v.Account]:
			fmt.Fprintln(stdout, voicemailLine(v))
		case want[v.Account]:
			fmt.Fprintf(stdout, "%s: unknown (no message-waiting notification within %s)\n", v.Account, *timeout)
		}
	}
	if len(got) < len(want) {
		return exitFailed
	}
	return exitOK
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
)

// The dnd and forward commands change the settings through the phone
// (never started: it saves the configuration file, keeping the user's
// comments and layout); a phone that is already running (window, console)
// reads them when it starts again.

const dndUsage = `usage: softphone dnd on|off|status [--account A] [--config F] [--json]

Do not disturb: every new call is refused with 486 Busy Here (or
forwarded, when forward --busy is set). Without --account it applies to
every account.
`

const forwardUsage = `usage: softphone forward [--account A] --always TARGET | --busy TARGET | --no-answer TARGET [--after N] | --off
       softphone forward --show [--account A] [--json]

Call forwarding (the phone answers the INVITE with 302 Moved Temporarily):
--always forwards every call, --busy the calls refused by do not disturb or
busy when in a call, --no-answer those not answered within --after seconds
(default 20). TARGET is a user or number at the account's domain, or a SIP
URI; an empty TARGET ("") turns that forwarding off. Several may be given
at once. With several accounts, --account is required to change them.
`

func cmdDND(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dnd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, dndUsage+"\nFlags:\n"); fs.PrintDefaults() }
	cfgPath := fs.String("config", "", "configuration file (default: the user config dir's softphone/config.toml)")
	only := fs.String("account", "", "only this account")
	asJSON := fs.Bool("json", false, "status: one JSON object per account per line")
	if err := parseArgs(fs, args); err != nil {
		return helpOrUsage(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	action := strings.ToLower(fs.Arg(0))
	if action != "on" && action != "off" && action != "status" {
		fmt.Fprintf(stderr, "softphone dnd: %q is not on, off or status\n", fs.Arg(0))
		return exitUsage
	}
	phone, idx, code := settingsPhone(ctx, *cfgPath, *only, stderr)
	if phone == nil {
		return code
	}
	defer phone.close(ctx)
	if action != "status" {
		if err := phone.phone.SetDND(ctx, *only, action == "on"); err != nil {
			return settingsExit(err, stderr)
		}
	}
	type status struct {
		Account string `json:"account"`
		DND     bool   `json:"dnd"`
	}
	var rows []status
	for _, a := range settingsAccounts(phone.phone, idx) {
		rows = append(rows, status{a.Name, a.DND})
	}
	if *asJSON {
		return writeJSONLines(stdout, stderr, rows)
	}
	for _, r := range rows {
		fmt.Fprintf(stdout, "%s: do not disturb %s\n", r.Account, onOff(r.DND))
	}
	return exitOK
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// optString is a string flag that knows whether it was given (an empty
// value then means "clear").
type optString struct {
	v   string
	set bool
}

func (o *optString) String() string     { return o.v }
func (o *optString) Set(s string) error { o.v, o.set = strings.TrimSpace(s), true; return nil }

func cmdForward(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("forward", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, forwardUsage+"\nFlags:\n"); fs.PrintDefaults() }
	cfgPath := fs.String("config", "", "configuration file (default: the user config dir's softphone/config.toml)")
	only := fs.String("account", "", "the account to change or show")
	var always, busy, noAnswer optString
	fs.Var(&always, "always", "forward every call to `TARGET`")
	fs.Var(&busy, "busy", "forward calls refused as busy (do not disturb, busy when in a call) to `TARGET`")
	fs.Var(&noAnswer, "no-answer", "forward calls not answered in time to `TARGET`")
	after := fs.Int("after", 0, fmt.Sprintf("no-answer delay in seconds, 1 to %d (default %d)", config.MaxNoAnswerAfter, config.DefaultNoAnswerAfter))
	off := fs.Bool("off", false, "turn every forwarding off")
	show := fs.Bool("show", false, "show the forwarding settings")
	asJSON := fs.Bool("json", false, "with --show: one JSON object per account per line")
	if err := parseArgs(fs, args); err != nil {
		return helpOrUsage(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "softphone forward: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	afterSet := false
	fs.Visit(func(f *flag.Flag) { afterSet = afterSet || f.Name == "after" })
	change := always.set || busy.set || noAnswer.set || afterSet || *off
	switch {
	case *show && change:
		fmt.Fprintln(stderr, "softphone forward: --show does not go with changes")
		return exitUsage
	case *off && (always.set || busy.set || noAnswer.set || afterSet):
		fmt.Fprintln(stderr, "softphone forward: --off turns everything off; give it alone")
		return exitUsage
	case !change:
		*show = true
	case afterSet && (*after < 1 || *after > config.MaxNoAnswerAfter):
		fmt.Fprintf(stderr, "softphone forward: --after must be between 1 and %d seconds (got %d)\n", config.MaxNoAnswerAfter, *after)
		return exitUsage
	}
	phone, idx, code := settingsPhone(ctx, *cfgPath, *only, stderr)
	if phone == nil {
		return code
	}
	defer phone.close(ctx)
	if change {
		if len(idx) > 1 {
			fmt.Fprintf(stderr, "softphone forward: %d accounts (%s): choose one with --account\n", len(idx), strings.Join(accountNames(phone.phone, idx), ", "))
			return exitUsage
		}
		// The account as the flags leave it: checked here, so a bad
		// target is a usage error, then handed to the phone.
		accounts := phone.phone.State().Config.Accounts
		a := accounts[idx[0]]
		switch {
		case *off:
			a.ForwardAlways, a.ForwardBusy, a.ForwardNoAnswer, a.ForwardNoAnswerAfter = "", "", "", 0
		default:
			for _, o := range []struct {
				flag *optString
				dst  *string
			}{{&always, &a.ForwardAlways}, {&busy, &a.ForwardBusy}, {&noAnswer, &a.ForwardNoAnswer}} {
				if o.flag.set {
					*o.dst = o.flag.v
				}
			}
			if afterSet {
				if a.ForwardNoAnswer == "" {
					fmt.Fprintln(stderr, "softphone forward: --after needs a no-answer target (--no-answer TARGET)")
					return exitUsage
				}
				a.ForwardNoAnswerAfter = *after
			}
		}
		if msg := forwardProblems(a, accounts, idx[0]); msg != "" {
			fmt.Fprintf(stderr, "softphone forward: %s\n", msg)
			return exitUsage
		}
		if err := setForwarding(ctx, phone.phone, a); err != nil {
			return settingsExit(err, stderr)
		}
	}
	var rows []forwardStatus
	for _, a := range settingsAccounts(phone.phone, idx) {
		rows = append(rows, forwardOf(a))
	}
	if *asJSON {
		return writeJSONLines(stdout, stderr, rows)
	}
	for _, r := range rows {
		fmt.Fprintln(stdout, r.String())
	}
	return exitOK
}

// forwardStatus is an account's forwarding as forward --show prints it.
type forwardStatus struct {
	Account  string `json:"account"`
	Always   string `json:"always,omitempty"`
	Busy     string `json:"busy,omitempty"`
	NoAnswer string `json:"no_answer,omitempty"`
	After    int    `json:"no_answer_after,omitempty"` // seconds, when NoAnswer is set
	DND      bool   `json:"dnd,omitempty"`
}

func forwardOf(a config.Account) forwardStatus {
	s := forwardStatus{Account: a.Name, Always: a.ForwardAlways, Busy: a.ForwardBusy, NoAnswer: a.ForwardNoAnswer, DND: a.DND}
	if s.NoAnswer != "" {
		s.After = int(a.NoAnswerDelay().Seconds())
	}
	return s
}

func (s forwardStatus) String() string {
	var parts []string
	if s.Always != "" {
		parts = append(parts, "always → "+s.Always)
	}
	if s.Busy != "" {
		parts = append(parts, "busy → "+s.Busy)
	}
	if s.NoAnswer != "" {
		parts = append(parts, fmt.Sprintf("no answer after %ds → %s", s.After, s.NoAnswer))
	}
	if len(parts) == 0 {
		parts = append(parts, "no forwarding")
	}
	if s.DND {
		parts = append(parts, "(do not disturb on)")
	}
	return s.Account + ": " + strings.Join(parts, ", ")
}

// forwardProblems checks the changed account as the configuration would.
func forwardProblems(a config.Account, all []config.Account, i int) string {
	others := slices.Delete(slices.Clone(all), i, i+1)
	msgs := config.CheckAccount(a, others)
	var out []string
	for k, m := range msgs {
		out = append(out, k+": "+m)
	}
	sort.Strings(out)
	return strings.Join(out, "; ")
}

// settingsPhone builds the phone the dnd and forward commands go through
// (unregistered, not started, no database) and picks the accounts they
// apply to: --account, else every account of the configuration, as
// indexes in its State().Config.Accounts. On failure phone is nil.
func settingsPhone(ctx context.Context, path, only string, stderr io.Writer) (phone *composed, idx []int, code int) {
	cfg, err := loadConfig(path)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return nil, nil, exitUsage
	}
	for i, a := range cfg.Accounts {
		if only == "" || a.Name == only {
			idx = append(idx, i)
		}
	}
	switch {
	case only != "" && len(idx) == 0:
		fmt.Fprintf(stderr, "softphone: unknown account %q in %s\n", only, cfg.Path)
		return nil, nil, exitUsage
	case len(idx) == 0:
		fmt.Fprintf(stderr, "softphone: no account in %s\n", cfg.Path)
		return nil, nil, exitUsage
	}
	phone, err = compose(ctx, phoneSetup{cfg: cfg, log: newLogger(stderr, false), stderr: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return nil, nil, exitUsage
	}
	return phone, idx, exitOK
}

// settingsAccounts are the accounts at idx in the settings in force.
func settingsAccounts(p core.Phone, idx []int) []config.Account {
	all := p.State().Config.Accounts
	out := make([]config.Account, len(idx))
	for j, i := range idx {
		out[j] = all[i]
	}
	return out
}

func accountNames(p core.Phone, idx []int) []string {
	var out []string
	for _, a := range settingsAccounts(p, idx) {
		out = append(out, a.Name)
	}
	return out
}

// setForwarding gives the phone a's forwarding (all of it: --off is the
// zero one).
func setForwarding(ctx context.Context, p core.Phone, a config.Account) error {
	return p.SetForwarding(ctx, a.Name, core.Forwarding{
		Always: a.ForwardAlways, Busy: a.ForwardBusy, NoAnswer: a.ForwardNoAnswer, NoAnswerAfter: a.ForwardNoAnswerAfter,
	})
}

// settingsExit reports a change the phone refused or could not save: a
// usage error for a bad configuration or account, else a failure.
func settingsExit(err error, stderr io.Writer) int {
	fmt.Fprintf(stderr, "softphone: %v\n", err)
	var bad config.Errors
	if errors.As(err, &bad) || errors.Is(err, core.ErrUnknownAccount) {
		return exitUsage
	}
	return exitFailed
}

// helpOrUsage is the exit code of a flag parse error: 0 for -h.
func helpOrUsage(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	return exitUsage
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
)

const historyUsage = `usage: softphone history [flags]          list calls, newest first
       softphone history delete ID...      delete entries (IDs from --json)
       softphone history clear             delete every ended call
`

// dataFlag adds --data to a command's flags.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data directory holding softphone.db (default: the user config dir's softphone)")
}

// dataDir is the --data value or the default directory ("" when the
// system has none: OpenDir then says so).
func dataDir(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	d, _ := store.DefaultDir()
	return d
}

// openStore opens the database in dir (default: store.DefaultDir) and
// shows its notice, if any (an unreadable database moved aside).
func openStore(ctx context.Context, dir string, stderr io.Writer) (*store.Store, error) {
	dir = dataDir(dir)
	if dir == "" {
		return nil, errors.New("no data directory on this system (use --data)")
	}
	s, err := store.OpenDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	if n := s.Notice(); n != "" {
		fmt.Fprintf(stderr, "softphone: %s\n", n)
	}
	return s, nil
}

// parseArgs parses flags placed anywhere among the positional arguments.
func parseArgs(fs *flag.FlagSet, args []string) error {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if f := fs.Lookup(name); f != nil && !hasValue && !isBool(f) && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return fs.Parse(append(flags, append([]string{"--"}, pos...)...))
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, historyUsage+"\nFlags:\n"); fs.PrintDefaults() }
	asJSON := fs.Bool("json", false, "print one JSON object per call per line")
	missed := fs.Bool("missed", false, "only missed calls")
	limit := fs.Int("limit", 50, "at most this many calls (0: all)")
	markSeen := fs.Bool("mark-seen", false, "clear the missed-call count after listing")
	data := dataFlag(fs)
	valid := func() bool {
		if *limit < 0 {
			fmt.Fprintln(stderr, "softphone history: --limit must be 0 or more")
			return false
		}
		return true
	}
	return onStore(ctx, fs, args, data, valid, stderr, func(s *store.Store) int {
		return historyRun(ctx, fs, s, *limit, *missed, *asJSON, *markSeen, stdout, stderr)
	})
}

// onStore parses args into fs (flags anywhere among them), lets valid
// refuse them, then opens the database in the --data directory for run.
func onStore(ctx context.Context, fs *flag.FlagSet, args []string, data *string, valid func() bool, stderr io.Writer, run func(*store.Store) int) int {
	if err := parseArgs(fs, args); err != nil {
		return helpOrUsage(err)
	}
	if valid != nil && !valid() {
		return exitUsage
	}
	s, err := openStore(ctx, *data, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitRuntime
	}
	defer s.Close()
	return run(s)
}

// historyRun lists, deletes or clears the history.
func historyRun(ctx context.Context, fs *flag.FlagSet, s *store.Store, limit int, missed, asJSON, markSeen bool, stdout, stderr io.Writer) int {
	switch fs.Arg(0) {
	case "":
	case "delete":
		return historyDelete(ctx, s, fs.Args()[1:], stdout, stderr)
	case "clear":
		if fs.NArg() != 1 {
			fs.Usage()
			return exitUsage
		}
		if err := s.ClearHistory(ctx); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		fmt.Fprintln(stdout, "history cleared")
		return exitOK
	default:
		fmt.Fprintf(stderr, "softphone history: unknown argument %q\n\n", fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	n := limit
	if n == 0 {
		n = 1 << 30
	}
	calls, err := s.History(ctx, store.HistoryQuery{Limit: n, Missed: missed})
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	if asJSON {
		if code := writeJSONLines(stdout, stderr, calls); code != exitOK {
			return code
		}
	} else {
		unseen, err := s.UnseenMissed(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
		printHistory(stdout, calls, unseen, markSeen)
	}
	if markSeen {
		if err := s.MarkMissedSeen(ctx); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}

func historyDelete(ctx context.Context, s *store.Store, ids []string, stdout, stderr io.Writer) int {
	if len(ids) == 0 {
		fmt.Fprint(stderr, historyUsage)
		return exitUsage
	}
	code := exitOK
	for _, a := range ids {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Fprintf(stderr, "softphone history: %q is not an entry ID\n", a)
			return exitUsage
		}
		if err := s.DeleteCall(ctx, id); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			code = exitFailed
			continue
		}
		fmt.Fprintf(stdout, "deleted %d\n", id)
	}
	return code
}

// printHistory writes the calls grouped by day, one line each.
func printHistory(w io.Writer, calls []store.Call, unseen int, markSeen bool) {
	if unseen > 0 {
		hint := " (--mark-seen clears the count)"
		if markSeen {
			hint = ""
		}
		fmt.Fprintf(w, "%d missed call%s not seen yet%s\n", unseen, plural(unseen), hint)
	}
	if len(calls) == 0 {
		fmt.Fprintln(w, "no calls")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	day := ""
	for _, c := range calls {
		if d := c.Started.Local().Format("Mon 2 Jan 2006"); d != day {
			if day != "" {
				fmt.Fprintln(tw)
			}
			day = d
			fmt.Fprintln(tw, d)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", c.Started.Local().Format("15:04"), callKind(c), callWho(c), callLength(c), callNote(c))
	}
	tw.Flush()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// callKind is the word (and arrow) shown for a call.
func callKind(c store.Call) string {
	switch {
	case c.Missed:
		return "✗ missed"
	case c.Ongoing():
		return "• now"
	case c.Outgoing():
		return "↗ out"
	default:
		return "↙ in"
	}
}

func callWho(c store.Call) string {
	if name := c.Name(); name != c.RemoteURI {
		return name + " <" + c.RemoteURI + ">"
	}
	return c.RemoteURI
}

func callLength(c store.Call) string {
	if c.Answered.IsZero() {
		return ""
	}
	d := c.Duration.Round(time.Second)
	if d >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// callNote is the end reason when it says more than a plain hang-up, the
// media's encryption and the recording.
func callNote(c store.Call) string {
	note := callReason(c)
	if m := callMedia(c); m != "" {
		if note != "" {
			note += "; "
		}
		note += m
	}
	if c.Recording != "" {
		if note != "" {
			note += "; "
		}
		note += "recorded: " + c.Recording
	}
	return note
}

// callMedia is the codec and encryption of a call whose media was
// encrypted ("PCMU srtp"); nothing for plain media, the usual case.
func callMedia(c store.Call) string {
	if c.Encryption == "" || c.Encryption == call.EncryptionNone {
		return ""
	}
	return strings.TrimSpace(c.Codec + " " + c.Encryption)
}

func callReason(c store.Call) string {
	switch {
	case c.Interrupted:
		return "interrupted (the program stopped during the call)"
	case c.Reason == "hung up" || c.Reason == "remote hung up" || c.Reason == "":
		return ""
	case c.Code != 0:
		return fmt.Sprintf("%s (%d)", c.Reason, c.Code)
	}
	return c.Reason
}

// writeJSONLines prints one JSON object per item per line (the --json form
// of every command).
func writeJSONLines[T any](stdout, stderr io.Writer, items []T) int {
	enc := json.NewEncoder(stdout)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}

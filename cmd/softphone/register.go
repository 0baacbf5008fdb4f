package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

func cmdRegister(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("register", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", "", "configuration file (default: the user config dir's softphone/config.toml)")
	only := fs.String("account", "", "register only this account (even if disabled)")
	once := fs.Bool("once", false, "exit 0 once every account is registered, 1 with the reason if one fails")
	asJSON := fs.Bool("json", false, "print one JSON object per event per line")
	verbose := fs.Bool("v", false, "verbose logging on stderr")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "softphone register: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	log := newLogger(stderr, *verbose)
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	// Registering keeps no history: no database.
	s := phoneSetup{cfg: cfg, log: log, stderr: stderr, secrets: true, register: true}
	if *only != "" {
		s.accounts = []string{*only}
	}
	c, err := compose(ctx, s)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	defer c.close(ctx)
	phone := c.phone
	want := len(phone.State().Accounts)
	if want == 0 {
		fmt.Fprintf(stderr, "softphone: no enabled account in %s\n", cfg.Path)
		return exitUsage
	}
	events, unsubscribe := phone.Events()
	defer unsubscribe()
	if err := phone.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitRuntime
	}
	out := eventPrinter(stdout, *asJSON)

	settled := map[string]account.Status{} // first registered/failed per account
	code := exitOK
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case e, ok := <-events:
			if !ok {
				break loop
			}
			out(e)
			re, isReg := e.(core.RegistrationEvent)
			if !*once || !isReg {
				continue
			}
			if _, seen := settled[re.Account]; !seen && (re.State == account.Registered || re.State == account.Failed) {
				settled[re.Account] = re.Status
			}
			if len(settled) == want {
				for _, s := range phone.State().Accounts {
					if st, ok := settled[s.Account]; ok && st.State == account.Failed {
						fmt.Fprintf(stderr, "softphone: %s: %s\n", st.Account, st.Reason)
						code = exitFailed
					}
				}
				break loop
			}
		}
	}
	// Keep printing what Close reports (the unregistrations) until the
	// stream ends.
	closed := make(chan error, 1)
	go func() { closed <- closePhone(ctx, phone) }()
	for e := range events {
		out(e)
	}
	if err := <-closed; err != nil {
		log.Warn("unregister at exit", "error", err)
	}
	if *once && len(settled) < want && code == exitOK {
		fmt.Fprintln(stderr, "softphone: interrupted before every account registered")
		code = exitFailed
	}
	return code
}

func loadConfig(path string) (*config.Config, error) {
	path, err := configPath(path)
	if err != nil {
		return nil, err
	}
	return config.Load(path)
}

// loadOrNewConfig loads the configuration, or starts an empty one at the
// same path when there is no file yet (saving it later creates the file).
func loadOrNewConfig(path string) (*config.Config, error) {
	path, err := configPath(path)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if errors.Is(err, fs.ErrNotExist) {
		return config.Parse(path, nil)
	}
	return cfg, err
}

// configPath is the --config value or the default location.
func configPath(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	p, err := config.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("no configuration directory: %w (use --config)", err)
	}
	return p, nil
}

// eventPrinter writes events as JSON lines or as short human text.
func eventPrinter(w io.Writer, asJSON bool) func(core.Event) {
	if asJSON {
		enc := json.NewEncoder(w)
		return func(e core.Event) {
			if err := enc.Encode(e); err != nil {
				slog.Error("write event", "error", err)
			}
		}
	}
	return func(e core.Event) { fmt.Fprintln(w, humanEvent(e)) }
}

func humanEvent(e core.Event) string {
	switch e := e.(type) {
	case core.RegistrationEvent:
		s := e.Status
		switch s.State {
		case account.Registered:
			return fmt.Sprintf("%s: registered (expires in %ds)", s.Account, s.Expires)
		case account.Failed:
			msg := fmt.Sprintf("%s: failed: %s", s.Account, s.Reason)
			if s.RetryIn > 0 {
				msg += fmt.Sprintf(" (retrying in %s)", s.RetryIn.Round(time.Second))
			}
			return msg
		default:
			return fmt.Sprintf("%s: %s", s.Account, s.State)
		}
	case core.ListeningEvent:
		return "listening on " + e.Addr
	case core.NoticeEvent:
		return e.Text
	case core.CallEvent:
		s := "call " + callLine(e.Info)
		if e.State == call.Ended && e.Reason != "" {
			s += ": " + e.Reason
			if e.Code != 0 {
				s += fmt.Sprintf(" (%d)", e.Code)
			}
		}
		return s
	case core.MessageEvent:
		return messageLine(e.Message)
	case core.VoicemailEvent:
		return "voicemail " + voicemailLine(e.VoicemailStatus)
	case core.BLFEvent:
		return fmt.Sprintf("blf %s %s", e.URI, e.State)
	case core.WatchEvent:
		if len(e.URIs) == 0 {
			return "watching nothing"
		}
		return "watching " + safeText(strings.Join(e.URIs, " "))
	case core.ConfigEvent:
		return "settings applied (" + e.What + ")"
	case core.JournalEvent:
		s := fmt.Sprintf("journal: %d missed call%s not seen, %d unread message%s", e.UnseenMissed, plural(e.UnseenMissed), e.Unread, plural(e.Unread))
		if e.CallID != "" {
			s = "journal: call " + e.CallID + " saved; " + strings.TrimPrefix(s, "journal: ")
		}
		return s
	default:
		b, _ := json.Marshal(e)
		return string(b)
	}
}

// messageLine is a message event in words: what came in, or where a sent
// one stands.
func messageLine(m core.Message) string {
	peer := safeText(m.Peer)
	if m.Incoming {
		return fmt.Sprintf("message from %s: %s", peer, safeText(m.Text))
	}
	switch m.State {
	case "failed":
		return fmt.Sprintf("message to %s failed: %s", peer, safeText(messageFailure(m)))
	default:
		return fmt.Sprintf("message to %s %s", peer, m.State)
	}
}

// safeText is s as is, or quoted when it has control characters (a line
// break would split the one-line event, an escape sequence would drive
// the terminal): the far end chose it.
func safeText(s string) string {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

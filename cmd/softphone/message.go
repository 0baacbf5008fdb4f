package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/softphone/softphone/core"
)

const messageUsage = `usage: softphone message send [--account A] [flags] TO TEXT...

Sends TEXT (the remaining arguments, joined by spaces) as a SIP MESSAGE to
TO (a user or number at the account's domain, or a SIP URI), waits for the
answer and exits 0 once delivered, 1 when refused (the code is printed).
'softphone messages' lists the conversations.
`

func cmdMessage(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, messageUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] != "send" {
		fmt.Fprintf(stderr, "softphone message: unknown command %q (want send)\n\n%s", args[0], messageUsage)
		return exitUsage
	}
	fset := flag.NewFlagSet("message send", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, messageUsage+"\nFlags:\n"); fset.PrintDefaults() }
	var f callFlags
	f.registerCommon(fset, "account to send from")
	timeout := fset.Duration("timeout", 32*time.Second, "give up waiting for the answer after this long")
	if err := parseArgs(fset, args[1:]); err != nil {
		return helpOrUsage(err)
	}
	if fset.NArg() < 2 {
		fset.Usage()
		return exitUsage
	}
	to, text := fset.Arg(0), strings.Join(fset.Args()[1:], " ")
	if err := checkTargetArg("message", to); err != nil {
		fmt.Fprintf(stderr, "softphone %v\n", err)
		return exitUsage
	}
	if err := checkMessageText(text); err != nil {
		fmt.Fprintf(stderr, "softphone message: %v\n", err)
		return exitUsage
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "softphone message: --timeout must be positive")
		return exitUsage
	}
	ss, code := f.start(ctx, stderr, false)
	if ss == nil {
		return code
	}
	defer ss.stop()
	out := eventPrinter(stdout, f.asJSON)
	m, err := ss.phone.SendMessage(f.account, to, text)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: message: %v\n", err)
		return exitUsage
	}
	wait := time.NewTimer(*timeout)
	defer wait.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintln(stderr, "softphone: interrupted before the message was answered")
			return exitFailed
		case <-wait.C:
			fmt.Fprintf(stderr, "softphone: message to %s: no answer within %s\n", m.Peer, *timeout)
			return exitFailed
		case e, ok := <-ss.events:
			if !ok {
				return exitFailed
			}
			out(e)
			me, isMsg := e.(core.MessageEvent)
			if !isMsg || me.Key != m.Key {
				continue
			}
			switch me.State {
			case "delivered":
				return exitOK
			case "failed":
				fmt.Fprintf(stderr, "softphone: message to %s: %s\n", me.Peer, messageFailure(me.Message))
				return exitFailed
			}
		}
	}
}

// messageFailure says why a message was not delivered: "404 Not Found".
func messageFailure(m core.Message) string {
	switch {
	case m.Code != 0 && m.Reason != "":
		return fmt.Sprintf("%d %s", m.Code, m.Reason)
	case m.Code != 0:
		return fmt.Sprint(m.Code)
	case m.Reason != "":
		return m.Reason
	}
	return "failed"
}

// checkMessageText refuses an empty or invalid text (the phone bounds its
// size); newlines
// and tabs are fine, other control characters are not.
func checkMessageText(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return errors.New("empty text")
	case !utf8.ValidString(s):
		return errors.New("the text is not valid UTF-8")
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return errors.New("the text has control characters")
	}
	return nil
}

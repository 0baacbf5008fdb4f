package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/softphone/softphone/core/store"
)

const messagesUsage = `usage: softphone messages [--json] [--mark-read]            conversations, most recent first
       softphone messages PEER [--json] [--limit N] [--mark-read]
                                                         one conversation, oldest first

PEER is the other side's address in any form (bob, sip:bob@example.com,
a number). --mark-read marks the conversation (or every one) read after
listing it.
`

func cmdMessages(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("messages", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, messagesUsage+"\nFlags:\n"); fs.PrintDefaults() }
	asJSON := fs.Bool("json", false, "print one JSON object per conversation or message per line")
	markRead := fs.Bool("mark-read", false, "mark what is listed read")
	limit := fs.Int("limit", 100, "with PEER: at most the last N messages (0: all)")
	data := dataFlag(fs)
	valid := func() bool {
		switch {
		case fs.NArg() > 1:
			fmt.Fprintf(stderr, "softphone messages: unexpected argument %q\n", fs.Arg(1))
			return false
		case *limit < 0:
			fmt.Fprintln(stderr, "softphone messages: --limit must be 0 or more")
			return false
		case fs.NArg() == 1 && strings.TrimSpace(fs.Arg(0)) == "":
			fmt.Fprintln(stderr, "softphone messages: empty PEER")
			return false
		}
		return true
	}
	return onStore(ctx, fs, args, data, valid, stderr, func(s *store.Store) int {
		if fs.NArg() == 1 {
			return messageThread(ctx, s, fs.Arg(0), *limit, *asJSON, *markRead, stdout, stderr)
		}
		return conversations(ctx, s, *asJSON, *markRead, stdout, stderr)
	})
}

func conversations(ctx context.Context, s *store.Store, asJSON, markRead bool, stdout, stderr io.Writer) int {
	cs, err := s.Conversations(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	if asJSON {
		if code := writeJSONLines(stdout, stderr, cs); code != exitOK {
			return code
		}
	} else if len(cs) == 0 {
		fmt.Fprintln(stdout, "no messages")
	} else {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		for _, c := range cs {
			unread := ""
			if c.Unread > 0 {
				unread = fmt.Sprintf("%d unread", c.Unread)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safeText(c.Peer), c.Last.At.Local().Format("2 Jan 15:04"), unread, snippet(c.Last))
		}
		tw.Flush()
	}
	if markRead {
		for _, c := range cs {
			if c.Unread == 0 {
				continue
			}
			if err := s.MarkRead(ctx, c.Peer); err != nil {
				fmt.Fprintf(stderr, "softphone: %v\n", err)
				return exitFailed
			}
		}
	}
	return exitOK
}

func messageThread(ctx context.Context, s *store.Store, peer string, limit int, asJSON, markRead bool, stdout, stderr io.Writer) int {
	ms, err := s.Messages(ctx, peer, limit)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitFailed
	}
	if asJSON {
		if code := writeJSONLines(stdout, stderr, ms); code != exitOK {
			return code
		}
	} else if len(ms) == 0 {
		fmt.Fprintf(stdout, "no messages with %s\n", safeText(peer))
	} else {
		day := ""
		for _, m := range ms {
			if d := m.At.Local().Format("Mon 2 Jan 2006"); d != day {
				day = d
				fmt.Fprintln(stdout, d)
			}
			fmt.Fprintf(stdout, "  %s %s\n", m.At.Local().Format("15:04"), threadLine(m))
		}
	}
	if markRead {
		if err := s.MarkRead(ctx, peer); err != nil {
			fmt.Fprintf(stderr, "softphone: %v\n", err)
			return exitFailed
		}
	}
	return exitOK
}

// threadLine is one message of a thread: an arrow for its direction, the
// text, and for a sent one whether it arrived.
func threadLine(m store.Message) string {
	if m.Incoming {
		s := "← " + safeText(m.Text)
		if !m.Read {
			s += "  (new)"
		}
		return s
	}
	s := "→ " + safeText(m.Text)
	switch m.State {
	case "delivered":
	case "failed":
		s += "  (not delivered: " + safeText(storedFailure(m)) + ")"
	default:
		s += "  (" + m.State + ")"
	}
	return s
}

func storedFailure(m store.Message) string {
	if m.Code != 0 {
		return strings.TrimSpace(fmt.Sprintf("%d %s", m.Code, m.Reason))
	}
	if m.Reason != "" {
		return m.Reason
	}
	return "failed"
}

// snippet is the start of a conversation's last message, on one line.
func snippet(m store.Message) string {
	const max = 60
	t := strings.Join(strings.Fields(m.Text), " ")
	if r := []rune(t); len(r) > max {
		t = string(r[:max-1]) + "…"
	}
	arrow := "→ "
	if m.Incoming {
		arrow = "← "
	}
	return arrow + safeText(t)
}

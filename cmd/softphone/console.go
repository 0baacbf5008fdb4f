package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

const consoleUsage = `usage: softphone console [flags]

A long-running phone for scripts and power users: it registers the
accounts, prints every event (one per line; --json for JSON lines) and
reads commands on standard input, one per line. Each command gets one
reply line: "ok COMMAND ..." or "error: COMMAND: ..." (with --json, an
object with "event":"reply").

`

// maxConsoleLine bounds one input line (a long MESSAGE text fits).
const maxConsoleLine = 64 << 10

func cmdConsole(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("console", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() {
		fmt.Fprint(stderr, consoleUsage+consoleHelp+"\nFlags:\n")
		fset.PrintDefaults()
	}
	var f callFlags
	f.register(fset)
	stay := fset.Bool("stay", false, "keep running at the end of input (until interrupted)")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "softphone console: unexpected argument %q (commands are read from standard input)\n", fset.Arg(0))
		return exitUsage
	}
	ss, code := f.start(ctx, stderr, true)
	if ss == nil {
		return code
	}
	defer ss.stop()
	w := &syncWriter{w: stdout}
	out := eventPrinter(w, f.asJSON)
	reply := replyPrinter(w, f.asJSON)
	runner := &consoleRunner{phone: ss.phone, account: f.account}

	lines := make(chan string)
	go readLines(stdin, lines) // left blocked on a terminal at exit: harmless, the process ends
	quit := make(chan struct{})
	stopWorker := make(chan struct{})
	var worker sync.WaitGroup
	worker.Add(1)
	go func() {
		defer worker.Done()
		consoleWorker(ctx, runner, lines, stopWorker, quit, *stay, reply)
	}()
	hangups := make(chan string, 16)
	connected := map[string]bool{}
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-quit:
			break loop
		case id := <-hangups:
			_ = ss.phone.Hangup(id)
		case e, ok := <-ss.events:
			if !ok {
				break loop
			}
			out(e)
			if ce, isCall := e.(core.CallEvent); isCall && ce.State == call.Connected && !connected[ce.ID] {
				connected[ce.ID] = true
				if f.hangupAfter > 0 {
					id := ce.ID
					time.AfterFunc(f.hangupAfter, func() { hangups <- id })
				}
			}
		}
	}
	close(stopWorker)
	worker.Wait()
	// Print what closing reports (hang-ups, unregistrations) until the
	// stream ends.
	closed := make(chan struct{})
	go func() {
		ss.closePhone()
		close(closed)
	}()
	for e := range ss.events {
		out(e)
	}
	<-closed
	return exitOK
}

// readLines sends stdin's lines, then closes lines at the end of input.
func readLines(r io.Reader, lines chan<- string) {
	defer close(lines)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxConsoleLine)
	for sc.Scan() {
		lines <- sc.Text()
	}
	if err := sc.Err(); err != nil {
		lines <- "\x00" + err.Error() // a read error (line too long) is reported, then input ends
	}
}

// consoleWorker runs the commands one after the other, so a script can
// wait for each reply; events keep flowing meanwhile. It closes quit on
// "quit" or, unless stay, at the end of input.
func consoleWorker(ctx context.Context, runner *consoleRunner, lines <-chan string, stop <-chan struct{}, quit chan<- struct{}, stay bool, reply func(consoleReply)) {
	defer close(quit)
	for {
		var line string
		var ok bool
		select {
		case <-stop:
			return
		case line, ok = <-lines:
		}
		if !ok {
			if stay {
				<-stop
			}
			return
		}
		if msg, isErr := strings.CutPrefix(line, "\x00"); isErr {
			reply(consoleReply{Command: "read", Error: msg})
			continue
		}
		cmd, err := parseConsoleLine(line)
		switch {
		case errors.Is(err, errEmptyLine):
			continue
		case err != nil:
			name := ""
			if fs := strings.Fields(line); len(fs) > 0 {
				name = strings.ToLower(fs[0])
			}
			reply(consoleReply{Command: name, Error: err.Error()})
			continue
		}
		switch cmd.name {
		case "quit":
			reply(consoleReply{Command: "quit", OK: true})
			return
		case "help":
			reply(consoleReply{Command: "help", OK: true, text: consoleHelp})
			continue
		}
		reply(runner.run(ctx, cmd))
	}
}

// replyPrinter writes console replies as text or JSON lines.
func replyPrinter(w io.Writer, asJSON bool) func(consoleReply) {
	return func(r consoleReply) {
		if !asJSON {
			fmt.Fprintln(w, r.human())
			return
		}
		b, err := json.Marshal(r)
		if err != nil {
			b, _ = json.Marshal(map[string]any{"event": "reply", "command": r.Command, "ok": false, "error": err.Error()})
		}
		_, _ = w.Write(append(b, '\n'))
	}
}

// syncWriter lets the event loop and the command worker share stdout; each
// line goes out in one Write.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

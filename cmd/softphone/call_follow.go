package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// callActions is what the call command does once its call connects.
type callActions struct {
	dtmf          string
	hangupAfter   time.Duration
	transferTo    string // blind transfer target; "" = none
	transferAfter time.Duration
	record        bool
	frames        *frameSaver // nil: none kept
}

// followCall prints the events until call id ends and returns the exit
// code: 0 for a call that connected and ended by a hang-up or, with a
// transfer, for a transfer that succeeded.
func followCall(ctx context.Context, phone core.Phone, events <-chan core.Event, id string, a callActions, out func(core.Event), human bool, stdout, stderr io.Writer) int {
	var hangup, transfer <-chan time.Time
	transferErr := make(chan error, 1)
	connected, transferred := false, false
	transferFailed := ""
	for {
		select {
		case <-ctx.Done():
			_ = phone.Hangup(id)
			ctx = context.Background() // keep reading until the call has ended
		case <-hangup:
			hangup = nil
			_ = phone.Hangup(id)
		case <-transfer:
			transfer = nil
			go func(ctx context.Context) { transferErr <- phone.Transfer(ctx, id, a.transferTo) }(ctx)
		case err := <-transferErr:
			if err != nil {
				transferFailed = err.Error()
				_ = phone.Hangup(id)
			}
		case e, ok := <-events:
			if !ok {
				return exitFailed
			}
			out(e)
			ce, isCall := e.(core.CallEvent)
			if !isCall || ce.ID != id {
				continue
			}
			if a.frames != nil && ce.Video != nil {
				a.frames.watch(phone, id)
			}
			switch t := ce.Transfer; {
			case t == "done":
				transferred = true
			case strings.HasPrefix(t, "failed") && transferFailed == "":
				transferFailed = t
				_ = phone.Hangup(id)
			}
			switch {
			case ce.State == call.Connected && !connected:
				connected = true
				onConnected(phone, id, a, human, stdout, stderr)
				if a.hangupAfter > 0 {
					hangup = time.After(a.hangupAfter)
				}
				if a.transferTo != "" {
					transfer = time.After(a.transferAfter)
				}
			case ce.State == call.Ended:
				if err := a.frames.save(); err != nil {
					fmt.Fprintf(stderr, "softphone: %v\n", err)
					return exitFailed
				}
				if a.transferTo == "" {
					return callExit(ce.Info, connected, stderr)
				}
				return transferExit(ce.Info, connected, transferred, transferFailed, stderr)
			}
		}
	}
}

// onConnected sends the DTMF and starts the recording asked for.
func onConnected(phone core.Phone, id string, a callActions, human bool, stdout, stderr io.Writer) {
	if a.dtmf != "" {
		if err := phone.SendDTMF(id, a.dtmf); err != nil {
			fmt.Fprintf(stderr, "softphone: dtmf: %v\n", err)
		}
	}
	if a.record {
		path, err := phone.StartRecording(id)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "softphone: record: %v\n", err)
		case human: // with --json the call event carries "recording"
			fmt.Fprintf(stdout, "recording to %s\n", path)
		}
	}
}

// transferExit is 0 when the far end was handed over to the target.
func transferExit(info call.Info, connected, transferred bool, failed string, stderr io.Writer) int {
	switch {
	case transferred:
		return exitOK
	case !connected:
		fmt.Fprintf(stderr, "softphone: call %s: %s\n", info.ID, info.Reason)
	case failed != "":
		fmt.Fprintf(stderr, "softphone: transfer of call %s: %s\n", info.ID, failed)
	default:
		fmt.Fprintf(stderr, "softphone: call %s ended before the transfer completed: %s\n", info.ID, info.Reason)
	}
	return exitFailed
}

// checkTargetArg refuses what cannot be a call target before any SIP is
// sent: the phone checks the rest (scheme, host).
func checkTargetArg(what, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%s: empty target", what)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return fmt.Errorf("%s: %q has spaces or control characters", what, s)
	case strings.ContainsAny(s, "<>\"\\,"):
		return fmt.Errorf("%s: %q has characters a SIP address cannot hold (<>\",\\)", what, s)
	}
	return nil
}

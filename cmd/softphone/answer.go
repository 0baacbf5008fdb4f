package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

func cmdAnswer(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("answer", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var f callFlags
	f.register(fset)
	f.video.register(fset, false)
	count := fset.Int("count", 1, "exit after this many calls")
	if err := fset.Parse(args); err != nil {
		return exitUsage
	}
	if err := f.video.check(); err != nil {
		fmt.Fprintf(stderr, "softphone answer: %v\n", err)
		return exitUsage
	}
	ss, code := f.start(ctx, stderr, true)
	if ss == nil {
		return code
	}
	defer ss.stop()
	phone, events := ss.phone, ss.events
	out := eventPrinter(stdout, f.asJSON)
	vr, err := f.video.request(ctx, phone)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	frames := map[string]*frameSaver{}
	hangups := make(chan string, 16)
	answered := map[string]bool{}
	answering := map[string]bool{} // Answer called: an update of the ringing call is no second call
	done := 0
	for done < *count {
		select {
		case <-ctx.Done():
			return code
		case id := <-hangups:
			_ = phone.Hangup(id)
		case e, ok := <-events:
			if !ok {
				return exitFailed
			}
			out(e)
			ce, isCall := e.(core.CallEvent)
			if !isCall {
				continue
			}
			fs := frames[ce.ID]
			if fs == nil {
				fs = &frameSaver{path: f.video.saveFrame}
				frames[ce.ID] = fs
			}
			if ce.Video != nil {
				fs.watch(phone, ce.ID)
			}
			switch ce.State {
			case call.Incoming:
				if ce.AutoAnswer || answering[ce.ID] {
					continue // the phone answers it itself (auto_answer, answer-after), or we do already
				}
				answering[ce.ID] = true
				go func(id string) {
					if err := phone.SetVideo(ctx, id, vr); err != nil && vr.Video {
						fmt.Fprintf(stderr, "softphone: answer %s with video: %v\n", id, err)
					}
					if err := phone.Answer(ctx, id); err != nil {
						fmt.Fprintf(stderr, "softphone: answer %s: %v\n", id, err)
					}
				}(ce.ID)
			case call.Connected:
				if !answered[ce.ID] && f.hangupAfter > 0 {
					id := ce.ID
					time.AfterFunc(f.hangupAfter, func() { hangups <- id })
				}
				answered[ce.ID] = true
			case call.Ended:
				done++
				if err := fs.save(); err != nil {
					fmt.Fprintf(stderr, "softphone: %v\n", err)
					code = exitFailed
				}
				if callExit(ce.Info, answered[ce.ID], stderr) != exitOK {
					code = exitFailed
				}
			}
		}
	}
	return code
}

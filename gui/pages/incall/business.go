package incall

import (
	"context"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// conferenceOf lists the live calls in c's local conference, oldest
// first; just c when it is in none (or is the only one left in it). It
// allocates only for a conference: it runs several times a frame.
func conferenceOf(live []call.Info, c call.Info) []call.Info {
	if !inConference(live, c) {
		for i := range live {
			if live[i].ID == c.ID {
				return live[i : i+1 : i+1]
			}
		}
		return []call.Info{c}
	}
	var legs []call.Info
	for _, o := range live {
		if o.Conference == c.Conference {
			legs = append(legs, o)
		}
	}
	return legs
}

// inConference reports whether c shares a conference with another live
// call (a conference of one left is none).
func inConference(live []call.Info, c call.Info) bool {
	if c.Conference == "" {
		return false
	}
	for _, o := range live {
		if o.ID != c.ID && o.Conference == c.Conference {
			return true
		}
	}
	return false
}

func inCalls(calls []call.Info, id string) bool {
	for _, c := range calls {
		if c.ID == id {
			return true
		}
	}
	return false
}

func callIDs(calls []call.Info) []string {
	ids := make([]string, len(calls))
	for i, c := range calls {
		ids[i] = c.ID
	}
	return ids
}

// MergeIDs are the calls Merge joins: every established call, oldest
// first; none when fewer than two, or when they are all in one
// conference already.
func MergeIDs(live []call.Info) []string {
	if !canMerge(live) {
		return nil
	}
	var ids []string
	for _, c := range live {
		if c.Established() {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// canMerge reports whether MergeIDs has calls to merge, without
// allocating (it runs every frame).
func canMerge(live []call.Info) bool {
	n, conf, same := 0, "", true
	for _, c := range live {
		if !c.Established() {
			continue
		}
		if n == 0 {
			conf = c.Conference
		}
		same = same && inConference(live, c) && c.Conference == conf
		n++
	}
	return n >= 2 && !same
}

// canTransfer reports whether the call may be handed over: answered, on
// its own, and no transfer of it under way.
func canTransfer(c call.Info, legs []call.Info) bool {
	return c.Established() && len(legs) < 2 && c.Transfer != "trying" && c.Transfer != "ringing"
}

// recSince is when the recording of calls (a call, or a conference's
// legs) started, as the phone reports it; recording is false when none
// records. since is zero when the phone does not say.
func recSince(calls []call.Info) (since time.Time, recording bool) {
	for _, c := range calls {
		if c.Recording == "" {
			continue
		}
		recording = true
		if s := c.RecordingSince; !s.IsZero() && (since.IsZero() || s.Before(since)) {
			since = s
		}
	}
	return since, recording
}

// recClock is the recording pill's clock: how long calls have been
// recording, "" when the phone does not say since when.
func recClock(calls []call.Info, now time.Time) (string, bool) {
	since, recording := recSince(calls)
	if !recording || since.IsZero() {
		return "", recording
	}
	return widgets.Clock(max(now.Sub(since), 0)), true
}

// nextTick is when a clock started at since shows its next second.
func nextTick(since, now time.Time) time.Time {
	d := max(now.Sub(since), 0)
	return since.Add((d/time.Second + 1) * time.Second)
}

// updateBusiness handles Transfer, Merge and Record, and the transfer
// panel.
func (p *Page) updateBusiness(gtx layout.Context, e *env.Env, c call.Info, live, legs []call.Info) {
	if p.transfer.Clicked(gtx) && canTransfer(c, legs) {
		p.openTransfer(gtx)
	}
	if p.merge.Clicked(gtx) {
		if ids := MergeIDs(live); ids != nil {
			p.selected = ""
			e.Run("Merge calls", func(ctx context.Context) error {
				_, err := e.Phone.Merge(ctx, ids...)
				return err
			})
		}
	}
	if p.record.Clicked(gtx) && c.Established() {
		stop := ""
		for _, l := range legs {
			if l.Recording != "" {
				stop = l.ID
				break
			}
		}
		if stop != "" {
			e.Run("Stop recording", func(ctx context.Context) error { return e.Phone.StopRecording(stop) })
		} else {
			id := c.ID
			e.Run("Record", func(ctx context.Context) error {
				_, err := e.Phone.StartRecording(id)
				return err
			})
		}
	}
	p.updateTransfer(gtx, e, c, live)
}

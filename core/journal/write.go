package journal

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
)

// call writes a call's new state. A recording is finished when the call
// shows another file (or none), or when the call ends: the session closed
// it before the end was reported.
func (j *Journal) call(i call.Info) {
	prev := j.active[i.ID]
	finished := ""
	switch {
	case prev != "" && (prev != i.Recording || i.State == call.Ended):
		finished = prev
	case i.State == call.Ended:
		finished = i.Recording
	}
	if i.State == call.Ended {
		delete(j.active, i.ID)
	} else {
		j.active[i.ID] = i.Recording
	}
	if j.write("call", i.ID, func(ctx context.Context) error { return j.st.RecordCall(ctx, i) }) {
		j.Report(i.ID, finished)
	}
}

// quality writes a call's final media figures.
func (j *Journal) quality(e state.CallStatsEvent) {
	s := e.Stats
	q := store.Quality{
		Codec: s.Codec, PacketsSent: s.PacketsSent, PacketsReceived: s.PacketsReceived, Lost: s.Lost,
		JitterMS: ms(s.Jitter), RTTMS: ms(s.RTT), RemoteLoss: s.RemoteFractionLost, Concealed: s.Concealed,
	}
	if j.write("quality", e.CallID, func(ctx context.Context) error { return j.st.RecordQuality(ctx, e.CallID, q) }) {
		j.Report(e.CallID, "")
	}
}

// message writes a message when first seen, then its delivery state.
func (j *Journal) message(m state.Message) {
	sm := store.Message{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
		State: m.State, Code: m.Code, Reason: m.Reason, At: m.At}
	if m.Incoming {
		sm.CallID = strings.TrimPrefix(m.Key, "in:") // the engine keys a received message "in:" + its SIP identity
	}
	if j.write("message", m.Key, func(ctx context.Context) error { return j.st.RecordMessage(ctx, sm) }) {
		j.Report("", "")
	}
}

// write stores one change and says whether it did; a failure is logged,
// since the call itself must go on.
func (j *Journal) write(what, id string, f func(context.Context) error) bool {
	if err := retrying(context.Background(), f); err != nil {
		j.log.Warn("journal: write failed", "what", what, "id", id, "error", err)
		return false
	}
	return true
}

// retrying runs f with a bounded context, a few times: another process
// may hold the database for a moment.
func retrying(base context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(base, writeTimeout)
	defer cancel()
	var err error
	for attempt := range 3 {
		if err = f(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
			break
		}
		select {
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package journal

import (
	"context"
	"errors"
	"time"

	"github.com/softphone/softphone/core/state"
)

// countTimeout bounds reading the counts after a write.
const countTimeout = 5 * time.Second

// counts reads what a JournalEvent carries: missed calls not seen yet
// and messages not read yet.
func (j *Journal) counts(ctx context.Context) (unseenMissed, unread int, err error) {
	m, errM := j.st.UnseenMissed(ctx)
	u, errU := j.st.Unread(ctx)
	return m, u, errors.Join(errM, errU)
}

// Report publishes a JournalEvent with the counts now: after the
// journal's own writes, and after the engine's edits of the records
// (missed calls seen, a conversation read, history deleted). callID and
// recording name what was written, if anything. The counts are not
// published when they cannot be read: stale ones would be worse.
func (j *Journal) Report(callID, recording string) {
	j.countMu.Lock()
	defer j.countMu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), countTimeout)
	defer cancel()
	missed, unread, err := j.counts(ctx)
	if err != nil {
		j.log.Warn("journal: counts not read", "error", err)
		return
	}
	j.publish(state.JournalEvent{CallID: callID, Recording: recording, UnseenMissed: missed, Unread: unread})
}

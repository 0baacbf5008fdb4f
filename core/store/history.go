package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/softphone/softphone/core/call"
)

// ReasonInterrupted is the end reason of a call whose process died (crash,
// kill -9, power cut) before it could record the end.
const ReasonInterrupted = "interrupted"

// ErrNotFound is returned for an id the database does not hold.
var ErrNotFound = errors.New("store: not found")

// Call is one call of the history.
type Call struct {
	ID          int64         `json:"id"`      // history entry id (newest is highest)
	CallID      string        `json:"call_id"` // the phone's call id
	Direction   string        `json:"direction"`
	Account     string        `json:"account,omitempty"`
	RemoteURI   string        `json:"remote_uri"`
	DisplayName string        `json:"display_name,omitempty"`
	ContactName string        `json:"contact,omitempty"` // caller ID from the contacts
	State       string        `json:"state"`
	Started     time.Time     `json:"started"`
	Answered    time.Time     `json:"answered,omitzero"`
	Ended       time.Time     `json:"ended,omitzero"`
	Reason      string        `json:"reason,omitempty"`
	Code        int           `json:"code,omitempty"`
	Duration    time.Duration `json:"-"` // answered to end
	Codec       string        `json:"codec,omitempty"`
	Encryption  string        `json:"encryption,omitempty"` // call.Info.Encryption: "none", "srtp", "dtls-srtp"; "" if never known
	Holds       int           `json:"holds,omitempty"`
	Missed      bool          `json:"missed,omitempty"`
	Seen        bool          `json:"seen"`
	Interrupted bool          `json:"interrupted,omitempty"`
	Recording   string        `json:"recording,omitempty"` // the call's last recording (WAV file)
	Quality     Quality       `json:"quality,omitzero"`
}

// Quality is a call's final media figures.
type Quality struct {
	Codec           string  `json:"-"`
	PacketsSent     uint64  `json:"packets_sent"`
	PacketsReceived uint64  `json:"packets_received"`
	Lost            uint64  `json:"lost"`
	JitterMS        float64 `json:"jitter_ms"`
	RTTMS           float64 `json:"rtt_ms"`
	RemoteLoss      float64 `json:"remote_fraction_lost"`
	Concealed       uint64  `json:"concealed_frames"`
}

// MarshalJSON adds the duration in seconds.
func (c Call) MarshalJSON() ([]byte, error) {
	type plain Call
	return json.Marshal(struct {
		plain
		DurationS float64 `json:"duration_s"`
	}{plain(c), c.Duration.Seconds()})
}

// Name is what to show for the other end: the contact, the caller's
// display name, or the address.
func (c Call) Name() string {
	switch {
	case c.ContactName != "":
		return c.ContactName
	case c.DisplayName != "":
		return c.DisplayName
	}
	return c.RemoteURI
}

// Outgoing reports whether we placed the call.
func (c Call) Outgoing() bool { return c.Direction == string(call.Outgoing) }

// Ongoing reports whether the call has not ended (yet).
func (c Call) Ongoing() bool { return c.Ended.IsZero() }

// RecordCall writes a call's state: the first time a call id is seen it is
// added, then each change updates it. Safe to call for every CallEvent.
// A recording stays with the call once stopped (the latest one when the
// call was recorded more than once).
func (s *Store) RecordCall(ctx context.Context, i call.Info) error {
	now := time.Now()
	if !i.EndedAt.IsZero() {
		now = i.EndedAt
	}
	var dur int64
	if !i.Answered.IsZero() && !i.EndedAt.IsZero() {
		dur = i.EndedAt.Sub(i.Answered).Milliseconds()
	}
	m := i.Missed()
	_, err := s.db.ExecContext(ctx, `INSERT INTO calls (call_id, direction, account, remote_uri, display_name,
		state, started, answered, ended, reason, code, codec, updated, missed, seen, hold_count, duration_ms,
		remote_norm, owner, owner_pid, recording, encryption)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, NOT ?14, ?6 = 'held', ?15, ?16, ?17, ?18, ?19, ?20)
	ON CONFLICT(call_id) DO UPDATE SET
		state = excluded.state,
		answered = excluded.answered,
		ended = excluded.ended,
		reason = excluded.reason,
		code = excluded.code,
		codec = CASE WHEN excluded.codec <> '' THEN excluded.codec ELSE calls.codec END,
		encryption = CASE WHEN excluded.encryption <> '' THEN excluded.encryption ELSE calls.encryption END,
		display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name ELSE calls.display_name END,
		updated = excluded.updated,
		seen = CASE WHEN excluded.missed AND NOT calls.missed THEN 0 ELSE calls.seen END,
		missed = excluded.missed,
		interrupted = 0,
		hold_count = calls.hold_count + (excluded.state = 'held' AND calls.state <> 'held'),
		duration_ms = excluded.duration_ms,
		owner = excluded.owner,
		owner_pid = excluded.owner_pid,
		recording = CASE WHEN excluded.recording <> '' THEN excluded.recording ELSE calls.recording END`,
		i.ID, string(i.Direction), i.Account, i.Remote.URI, i.Remote.DisplayName,
		i.State.String(), i.Started.UnixMilli(), millis(i.Answered), millis(i.EndedAt), i.Reason, i.Code, i.Codec,
		now.UnixMilli(), m, dur, Normalize(i.Remote.URI), s.owner, s.pid, i.Recording, i.Encryption)
	if err != nil {
		return fmt.Errorf("store: record call %s: %w", i.ID, err)
	}
	return nil
}

// RecordQuality stores a call's final media figures.
func (s *Store) RecordQuality(ctx context.Context, callID string, q Quality) error {
	_, err := s.db.ExecContext(ctx, `UPDATE calls SET packets_sent = ?, packets_received = ?, lost = ?,
		jitter_ms = ?, rtt_ms = ?, remote_loss = ?, concealed = ?,
		codec = CASE WHEN codec = '' THEN ? ELSE codec END WHERE call_id = ?`,
		int64(q.PacketsSent), int64(q.PacketsReceived), int64(q.Lost), q.JitterMS, q.RTTMS, q.RemoteLoss,
		int64(q.Concealed), q.Codec, callID)
	if err != nil {
		return fmt.Errorf("store: record quality of %s: %w", callID, err)
	}
	return nil
}

// Touch notes that the calls are still going at now, so that a call cut
// short by a crash ends (and lasts) close to the truth: markInterrupted
// ends it at the last such mark. One UPDATE for all the calls; a mark never
// moves a call's last-known time back, and ended calls are left alone.
func (s *Store) Touch(ctx context.Context, now time.Time, callIDs ...string) error {
	if len(callIDs) == 0 {
		return nil
	}
	args := make([]any, 0, len(callIDs)+1)
	args = append(args, now.UnixMilli())
	for _, id := range callIDs {
		args = append(args, id)
	}
	_, err := s.db.ExecContext(ctx, "UPDATE calls SET updated = MAX(COALESCE(updated, 0), ?1) WHERE ended IS NULL AND call_id IN ("+
		placeholders(len(callIDs))+")", args...)
	if err != nil {
		return fmt.Errorf("store: touch %d calls: %w", len(callIDs), err)
	}
	return nil
}

// markInterrupted ends the calls whose writer is gone: with own, this
// Store's unfinished calls (at Close); otherwise those of processes that no
// longer run (at Open).
func (s *Store) markInterrupted(ctx context.Context, own bool) error {
	var ids []int64
	if own {
		rows, err := s.db.QueryContext(ctx, "SELECT id FROM calls WHERE ended IS NULL AND owner = ?", s.owner)
		if err != nil {
			return fmt.Errorf("store: unfinished calls: %w", err)
		}
		ids, err = scanIDs(rows, nil)
		if err != nil {
			return err
		}
	} else {
		rows, err := s.db.QueryContext(ctx, "SELECT id, owner_pid FROM calls WHERE ended IS NULL")
		if err != nil {
			return fmt.Errorf("store: unfinished calls: %w", err)
		}
		ids, err = scanIDs(rows, func(pid int64) bool {
			return pid != int64(s.pid) && (pid <= 0 || !processAlive(int(pid)))
		})
		if err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			_, err := tx.ExecContext(ctx, `UPDATE calls SET state = 'ended', reason = ?,
				interrupted = 1, ended = COALESCE(updated, started),
				duration_ms = CASE WHEN answered IS NULL THEN 0 ELSE MAX(0, COALESCE(updated, started) - answered) END,
				missed = (direction = 'incoming' AND answered IS NULL),
				seen = CASE WHEN direction = 'incoming' AND answered IS NULL THEN 0 ELSE seen END
				WHERE id = ? AND ended IS NULL`, ReasonInterrupted, id)
			if err != nil {
				return fmt.Errorf("store: mark call %d interrupted: %w", id, err)
			}
		}
		return nil
	})
}

// scanIDs reads (id) or (id, pid) rows, keeping those keep accepts.
func scanIDs(rows *sql.Rows, keep func(pid int64) bool) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id, pid int64
		dst := []any{&id}
		if keep != nil {
			dst = append(dst, &pid)
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		if keep == nil || keep(pid) {
			ids = append(ids, id)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	return ids, nil
}

// placeholders is "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

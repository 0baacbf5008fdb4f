package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// HistoryQuery selects a page of the history, newest first.
type HistoryQuery struct {
	Limit  int   // at most this many (default 100)
	Before int64 // only entries with an ID below this (the last ID of the previous page); 0 = from the newest
	Missed bool  // only missed calls
}

// callColumns are read by scanCall, with the contact's name matched by
// exact number, then by the last digits when only one contact has them.
const callColumns = `id, call_id, direction, account, remote_uri, display_name, state, started, answered, ended,
	reason, code, duration_ms, codec, hold_count, missed, seen, interrupted,
	packets_sent, packets_received, lost, jitter_ms, rtt_ms, remote_loss, concealed, recording, encryption,
	COALESCE(
		(SELECT c.name FROM numbers n JOIN contacts c ON c.id = n.contact_id
			WHERE calls.remote_norm <> '' AND n.norm = calls.remote_norm ORDER BY n.id LIMIT 1),
		(SELECT MIN(c.name) FROM numbers n JOIN contacts c ON c.id = n.contact_id
			WHERE length(calls.remote_norm) >= 9 AND calls.remote_norm NOT GLOB '*[^0-9]*'
			AND n.tail = substr(calls.remote_norm, -9) HAVING COUNT(DISTINCT c.id) = 1),
		'')`

type scanner interface{ Scan(...any) error }

func scanCall(r scanner) (Call, error) {
	var c Call
	var started int64
	var answered, ended sql.NullInt64
	var dur, sent, recv, lost, conc int64
	err := r.Scan(&c.ID, &c.CallID, &c.Direction, &c.Account, &c.RemoteURI, &c.DisplayName, &c.State,
		&started, &answered, &ended, &c.Reason, &c.Code, &dur, &c.Codec, &c.Holds, &c.Missed, &c.Seen, &c.Interrupted,
		&sent, &recv, &lost, &c.Quality.JitterMS, &c.Quality.RTTMS, &c.Quality.RemoteLoss, &conc, &c.Recording,
		&c.Encryption, &c.ContactName)
	if err != nil {
		return c, err
	}
	c.Started, c.Answered, c.Ended = time.UnixMilli(started), fromMillis(answered), fromMillis(ended)
	c.Duration = time.Duration(dur) * time.Millisecond
	c.Quality.PacketsSent, c.Quality.PacketsReceived = uint64(sent), uint64(recv)
	c.Quality.Lost, c.Quality.Concealed, c.Quality.Codec = uint64(lost), uint64(conc), c.Codec
	return c, nil
}

// History returns a page of calls, newest first. For the next page pass
// the last call's ID as Before.
func (s *Store) History(ctx context.Context, q HistoryQuery) ([]Call, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	where, args := "WHERE 1", []any{}
	if q.Before > 0 {
		where += " AND id < ?"
		args = append(args, q.Before)
	}
	if q.Missed {
		where += " AND missed"
	}
	args = append(args, q.Limit)
	rows, err := s.db.QueryContext(ctx, "SELECT "+callColumns+" FROM calls "+where+" ORDER BY id DESC LIMIT ?", args...)
	if err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	defer rows.Close()
	out := make([]Call, 0, min(q.Limit, 256))
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, fmt.Errorf("store: history: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: history: %w", err)
	}
	return out, nil
}

// Recent is the newest limit calls.
func (s *Store) Recent(ctx context.Context, limit int) ([]Call, error) {
	return s.History(ctx, HistoryQuery{Limit: limit})
}

// CallByID returns one history entry by its ID.
func (s *Store) CallByID(ctx context.Context, id int64) (Call, error) {
	c, err := scanCall(s.db.QueryRowContext(ctx, "SELECT "+callColumns+" FROM calls WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: call %d", ErrNotFound, id)
	}
	if err != nil {
		return c, fmt.Errorf("store: call %d: %w", id, err)
	}
	return c, nil
}

// CallByCallID returns the history entry of the phone's call id.
func (s *Store) CallByCallID(ctx context.Context, callID string) (Call, error) {
	c, err := scanCall(s.db.QueryRowContext(ctx, "SELECT "+callColumns+" FROM calls WHERE call_id = ?", callID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%w: call %s", ErrNotFound, callID)
	}
	if err != nil {
		return c, fmt.Errorf("store: call %s: %w", callID, err)
	}
	return c, nil
}

// CountCalls is the number of history entries (missed only with missed).
func (s *Store) CountCalls(ctx context.Context, missedOnly bool) (int, error) {
	q := "SELECT COUNT(*) FROM calls"
	if missedOnly {
		q += " WHERE missed"
	}
	var n int
	if err := s.db.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count calls: %w", err)
	}
	return n, nil
}

// UnseenMissed is the number of missed calls not yet seen (the badge).
func (s *Store) UnseenMissed(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM calls WHERE missed AND NOT seen").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unseen missed calls: %w", err)
	}
	return n, nil
}

// MarkMissedSeen clears the missed-call count.
func (s *Store) MarkMissedSeen(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE calls SET seen = 1 WHERE missed AND NOT seen"); err != nil {
		return fmt.Errorf("store: mark missed calls seen: %w", err)
	}
	return nil
}

// DeleteCall removes one history entry.
func (s *Store) DeleteCall(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM calls WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete call %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: call %d", ErrNotFound, id)
	}
	return nil
}

// ClearHistory removes every ended call (calls in progress stay, so their
// end is still recorded).
func (s *Store) ClearHistory(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM calls WHERE ended IS NOT NULL"); err != nil {
		return fmt.Errorf("store: clear history: %w", err)
	}
	return nil
}

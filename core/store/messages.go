package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Message is one SIP MESSAGE of a conversation.
type Message struct {
	ID       int64     `json:"id"`
	Key      string    `json:"key"` // the phone's id of the message, unique
	Account  string    `json:"account,omitempty"`
	Peer     string    `json:"peer"` // sip:user@host of the other side
	Incoming bool      `json:"incoming"`
	Text     string    `json:"text"`
	State    string    `json:"state"` // sending, delivered, failed, received
	Code     int       `json:"code,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
	Read     bool      `json:"read"`
	CallID   string    `json:"-"` // SIP Call-ID (and CSeq) of a received one
}

// Conversation is the messages exchanged with one peer, summed up.
type Conversation struct {
	Peer   string  `json:"peer"` // as the latest message names it
	Last   Message `json:"last"`
	Unread int     `json:"unread"`
}

// RecordMessage stores a message the first time its key is seen; later
// calls with the same key update only its delivery state (a sent message
// going from "sending" to "delivered" or "failed"). Sent messages are read
// from the start; received ones until MarkRead.
func (s *Store) RecordMessage(ctx context.Context, m Message) error {
	if m.Key == "" || m.Peer == "" {
		return fmt.Errorf("store: message needs a key and a peer")
	}
	dir := "out"
	if m.Incoming {
		dir = "in"
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO messages (msg_key, account, peer, peer_norm, direction, body,
		state, code, reason, at, read, sip_call_id)
	VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
	ON CONFLICT(msg_key) DO UPDATE SET
		state = excluded.state,
		code = excluded.code,
		reason = excluded.reason
	WHERE messages.direction = 'out'`,
		m.Key, m.Account, m.Peer, Normalize(m.Peer), dir, m.Text,
		m.State, m.Code, m.Reason, m.At.UnixMilli(), !m.Incoming, m.CallID)
	if err != nil {
		return fmt.Errorf("store: record message %s: %w", m.Key, err)
	}
	return nil
}

const messageColumns = `id, msg_key, account, peer, direction, body, state, code, reason, at, read, sip_call_id`

func scanMessage(r scanner) (Message, error) {
	var m Message
	var dir string
	var at int64
	if err := r.Scan(&m.ID, &m.Key, &m.Account, &m.Peer, &dir, &m.Text, &m.State, &m.Code, &m.Reason, &at, &m.Read, &m.CallID); err != nil {
		return Message{}, err
	}
	m.Incoming = dir == "in"
	m.At = time.UnixMilli(at)
	return m, nil
}

// Conversations lists one entry per peer (matched as Normalize does),
// the most recent conversation first.
func (s *Store) Conversations(ctx context.Context) ([]Conversation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+messageColumns+`,
		(SELECT COUNT(*) FROM messages u WHERE u.peer_norm = m.peer_norm AND u.read = 0)
	FROM messages m
	WHERE m.id = (SELECT l.id FROM messages l WHERE l.peer_norm = m.peer_norm ORDER BY l.at DESC, l.id DESC LIMIT 1)
	ORDER BY m.at DESC, m.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: conversations: %w", err)
	}
	defer rows.Close()
	var out []Conversation
	for rows.Next() {
		var c Conversation
		var dir string
		var at int64
		m := &c.Last
		if err := rows.Scan(&m.ID, &m.Key, &m.Account, &m.Peer, &dir, &m.Text, &m.State, &m.Code, &m.Reason, &at, &m.Read, &m.CallID, &c.Unread); err != nil {
			return nil, fmt.Errorf("store: conversations: %w", err)
		}
		m.Incoming, m.At = dir == "in", time.UnixMilli(at)
		c.Peer = m.Peer
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversations: %w", err)
	}
	return out, nil
}

// Messages returns the last limit messages exchanged with peer (any form
// of its address), oldest first; limit <= 0 means all.
func (s *Store) Messages(ctx context.Context, peer string, limit int) ([]Message, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (SELECT `+messageColumns+` FROM messages
		WHERE peer_norm = ? ORDER BY at DESC, id DESC LIMIT ?) ORDER BY at, id`, Normalize(peer), limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: messages: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: messages: %w", err)
	}
	return out, nil
}

// MarkRead marks the conversation with peer read.
func (s *Store) MarkRead(ctx context.Context, peer string) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE messages SET read = 1 WHERE peer_norm = ? AND read = 0", Normalize(peer)); err != nil {
		return fmt.Errorf("store: mark read: %w", err)
	}
	return nil
}

// Unread counts the unread messages of every conversation.
func (s *Store) Unread(ctx context.Context) (int, error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM messages WHERE read = 0").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unread: %w", err)
	}
	return int(n.Int64), nil
}

// MessageByKey returns one message.
func (s *Store) MessageByKey(ctx context.Context, key string) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, "SELECT "+messageColumns+" FROM messages WHERE msg_key = ?", key))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("%w: message %s", ErrNotFound, key)
	}
	if err != nil {
		return Message{}, fmt.Errorf("store: message %s: %w", key, err)
	}
	return m, nil
}

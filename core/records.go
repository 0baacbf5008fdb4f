package core

import (
	"context"
	"errors"

	"github.com/softphone/softphone/core/store"
)

// The phone's records: history, contacts, speed dial and message threads,
// as the front-ends see them. The store keeps them; these names are the
// phone's API for its types.
type (
	HistoryEntry  = store.Call
	HistoryQuery  = store.HistoryQuery
	Contact       = store.Contact
	ContactNumber = store.Number
	ContactQuery  = store.ContactQuery
	SpeedDial     = store.SpeedDial
	Conversation  = store.Conversation
	StoredMessage = store.Message
)

// MaxSpeedDial is the highest speed-dial slot.
const MaxSpeedDial = store.MaxSlot

// ErrNoRecords is returned by the record queries of a phone without a
// store (the database could not be opened).
var ErrNoRecords = errors.New("history and contacts are unavailable")

// Errors of the record queries, to branch on with errors.Is.
var (
	ErrNotFound = store.ErrNotFound
	ErrInvalid  = store.ErrInvalid
)

// NormalizeNumber is the form numbers are compared in (digits, leading +).
func NormalizeNumber(s string) string { return store.Normalize(s) }

// SameNumber says whether a and b are the same number or address.
func SameNumber(a, b string) bool { return store.SameNumber(a, b) }

// IsPhoneNumber says whether s is a telephone number rather than a user.
func IsPhoneNumber(s string) bool { return store.IsPhoneNumber(s) }

// Records are the phone's queries and edits of what it keeps: paged
// history, contact search, speed dial, conversations. Front-ends reach
// them only through the phone.
type Records interface {
	History(ctx context.Context, q HistoryQuery) ([]HistoryEntry, error)
	Recent(ctx context.Context, limit int) ([]HistoryEntry, error)
	CallByCallID(ctx context.Context, callID string) (HistoryEntry, error)
	UnseenMissed(ctx context.Context) (int, error)
	MarkMissedSeen(ctx context.Context) error
	DeleteCall(ctx context.Context, id int64) error
	ClearHistory(ctx context.Context) error

	Contacts(ctx context.Context, q ContactQuery) ([]Contact, error)
	CountContacts(ctx context.Context, q ContactQuery) (int, error)
	SearchContacts(ctx context.Context, text string, limit int) ([]Contact, error)
	ContactByID(ctx context.Context, id int64) (Contact, error)
	MatchNumber(ctx context.Context, raw string) (Contact, bool, error)
	SaveContact(ctx context.Context, c *Contact) error
	DeleteContact(ctx context.Context, id int64) error
	SetFavourite(ctx context.Context, id int64, on bool) error
	SpeedDials(ctx context.Context) ([]SpeedDial, error)
	SpeedDial(ctx context.Context, slot int) (SpeedDial, bool, error)
	SetSpeedDial(ctx context.Context, d SpeedDial) error
	ClearSpeedDial(ctx context.Context, slot int) error

	Conversations(ctx context.Context) ([]Conversation, error)
	Messages(ctx context.Context, peer string, limit int) ([]StoredMessage, error)
	MessageByKey(ctx context.Context, key string) (StoredMessage, error)
	MarkRead(ctx context.Context, peer string) error
	Unread(ctx context.Context) (int, error)
}

var _ Records = (*store.Store)(nil)

// WithStore gives the phone the store of its history, contacts and
// messages: its queries answer from it, and the phone keeps its journal
// there itself (journal.go). Default: none; the queries fail with
// ErrNoRecords.
func WithStore(st *store.Store) Option {
	return func(o *options) {
		if st != nil { // a nil *Store in the interface would not read as "none"
			o.records, o.store = st, st
		}
	}
}

// recordsAPI is embedded in Engine so the store's queries are the phone's.
type recordsAPI = Records

// noRecords answers every query of a phone without a store.
type noRecords struct{}

func (noRecords) History(context.Context, HistoryQuery) ([]HistoryEntry, error) {
	return nil, ErrNoRecords
}
func (noRecords) Recent(context.Context, int) ([]HistoryEntry, error) { return nil, ErrNoRecords }
func (noRecords) CallByCallID(context.Context, string) (HistoryEntry, error) {
	return HistoryEntry{}, ErrNoRecords
}
func (noRecords) UnseenMissed(context.Context) (int, error)                 { return 0, ErrNoRecords }
func (noRecords) MarkMissedSeen(context.Context) error                      { return ErrNoRecords }
func (noRecords) DeleteCall(context.Context, int64) error                   { return ErrNoRecords }
func (noRecords) ClearHistory(context.Context) error                        { return ErrNoRecords }
func (noRecords) Contacts(context.Context, ContactQuery) ([]Contact, error) { return nil, ErrNoRecords }
func (noRecords) CountContacts(context.Context, ContactQuery) (int, error)  { return 0, ErrNoRecords }
func (noRecords) SearchContacts(context.Context, string, int) ([]Contact, error) {
	return nil, ErrNoRecords
}
func (noRecords) ContactByID(context.Context, int64) (Contact, error) { return Contact{}, ErrNoRecords }
func (noRecords) MatchNumber(context.Context, string) (Contact, bool, error) {
	return Contact{}, false, ErrNoRecords
}
func (noRecords) SaveContact(context.Context, *Contact) error     { return ErrNoRecords }
func (noRecords) DeleteContact(context.Context, int64) error      { return ErrNoRecords }
func (noRecords) SetFavourite(context.Context, int64, bool) error { return ErrNoRecords }
func (noRecords) SpeedDials(context.Context) ([]SpeedDial, error) { return nil, ErrNoRecords }
func (noRecords) SpeedDial(context.Context, int) (SpeedDial, bool, error) {
	return SpeedDial{}, false, ErrNoRecords
}
func (noRecords) SetSpeedDial(context.Context, SpeedDial) error         { return ErrNoRecords }
func (noRecords) ClearSpeedDial(context.Context, int) error             { return ErrNoRecords }
func (noRecords) Conversations(context.Context) ([]Conversation, error) { return nil, ErrNoRecords }
func (noRecords) Messages(context.Context, string, int) ([]StoredMessage, error) {
	return nil, ErrNoRecords
}
func (noRecords) MessageByKey(context.Context, string) (StoredMessage, error) {
	return StoredMessage{}, ErrNoRecords
}
func (noRecords) MarkRead(context.Context, string) error { return ErrNoRecords }
func (noRecords) Unread(context.Context) (int, error)    { return 0, ErrNoRecords }

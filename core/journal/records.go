package journal

import (
	"context"
	"errors"

	"github.com/softphone/softphone/core/store"
)

// ErrNoRecords is returned by the record queries of a phone without a
// store (the database could not be opened).
var ErrNoRecords = errors.New("history and contacts are unavailable")

// Records are the phone's queries and edits of what it keeps: paged
// history, contact search, speed dial, conversations. Front-ends reach
// them only through the phone.
type Records interface {
	History(ctx context.Context, q store.HistoryQuery) ([]store.Call, error)
	Recent(ctx context.Context, limit int) ([]store.Call, error)
	CallByCallID(ctx context.Context, callID string) (store.Call, error)
	UnseenMissed(ctx context.Context) (int, error)
	MarkMissedSeen(ctx context.Context) error
	DeleteCall(ctx context.Context, id int64) error
	ClearHistory(ctx context.Context) error

	Contacts(ctx context.Context, q store.ContactQuery) ([]store.Contact, error)
	CountContacts(ctx context.Context, q store.ContactQuery) (int, error)
	SearchContacts(ctx context.Context, text string, limit int) ([]store.Contact, error)
	ContactByID(ctx context.Context, id int64) (store.Contact, error)
	MatchNumber(ctx context.Context, raw string) (store.Contact, bool, error)
	SaveContact(ctx context.Context, c *store.Contact) error
	DeleteContact(ctx context.Context, id int64) error
	SetFavourite(ctx context.Context, id int64, on bool) error
	SpeedDials(ctx context.Context) ([]store.SpeedDial, error)
	SpeedDial(ctx context.Context, slot int) (store.SpeedDial, bool, error)
	SetSpeedDial(ctx context.Context, d store.SpeedDial) error
	ClearSpeedDial(ctx context.Context, slot int) error

	Conversations(ctx context.Context) ([]store.Conversation, error)
	Messages(ctx context.Context, peer string, limit int) ([]store.Message, error)
	MessageByKey(ctx context.Context, key string) (store.Message, error)
	MarkRead(ctx context.Context, peer string) error
	Unread(ctx context.Context) (int, error)
}

var _ Records = (*store.Store)(nil)

// None answers every query of a phone without a store: ErrNoRecords.
type None struct{}

func (None) History(context.Context, store.HistoryQuery) ([]store.Call, error) {
	return nil, ErrNoRecords
}
func (None) Recent(context.Context, int) ([]store.Call, error) { return nil, ErrNoRecords }
func (None) CallByCallID(context.Context, string) (store.Call, error) {
	return store.Call{}, ErrNoRecords
}
func (None) UnseenMissed(context.Context) (int, error) { return 0, ErrNoRecords }
func (None) MarkMissedSeen(context.Context) error      { return ErrNoRecords }
func (None) DeleteCall(context.Context, int64) error   { return ErrNoRecords }
func (None) ClearHistory(context.Context) error        { return ErrNoRecords }
func (None) Contacts(context.Context, store.ContactQuery) ([]store.Contact, error) {
	return nil, ErrNoRecords
}
func (None) CountContacts(context.Context, store.ContactQuery) (int, error) { return 0, ErrNoRecords }
func (None) SearchContacts(context.Context, string, int) ([]store.Contact, error) {
	return nil, ErrNoRecords
}
func (None) ContactByID(context.Context, int64) (store.Contact, error) {
	return store.Contact{}, ErrNoRecords
}
func (None) MatchNumber(context.Context, string) (store.Contact, bool, error) {
	return store.Contact{}, false, ErrNoRecords
}
func (None) SaveContact(context.Context, *store.Contact) error     { return ErrNoRecords }
func (None) DeleteContact(context.Context, int64) error            { return ErrNoRecords }
func (None) SetFavourite(context.Context, int64, bool) error       { return ErrNoRecords }
func (None) SpeedDials(context.Context) ([]store.SpeedDial, error) { return nil, ErrNoRecords }
func (None) SpeedDial(context.Context, int) (store.SpeedDial, bool, error) {
	return store.SpeedDial{}, false, ErrNoRecords
}
func (None) SetSpeedDial(context.Context, store.SpeedDial) error         { return ErrNoRecords }
func (None) ClearSpeedDial(context.Context, int) error                   { return ErrNoRecords }
func (None) Conversations(context.Context) ([]store.Conversation, error) { return nil, ErrNoRecords }
func (None) Messages(context.Context, string, int) ([]store.Message, error) {
	return nil, ErrNoRecords
}
func (None) MessageByKey(context.Context, string) (store.Message, error) {
	return store.Message{}, ErrNoRecords
}
func (None) MarkRead(context.Context, string) error { return ErrNoRecords }
func (None) Unread(context.Context) (int, error)    { return 0, ErrNoRecords }

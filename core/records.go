package core

import (
	"github.com/softphone/softphone/core/journal"
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
var ErrNoRecords = journal.ErrNoRecords

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

// Records are the phone's queries and edits of what it keeps
// (journal.Records): paged history, contact search, speed dial,
// conversations. Front-ends reach them only through the phone.
type Records = journal.Records

// WithStore gives the phone the store of its history, contacts and
// messages: its queries answer from it, and the phone keeps its journal
// there itself. Default: none; the queries fail with
// ErrNoRecords.
func WithStore(st *store.Store) Option {
	return func(o *options) {
		if st != nil { // a nil *Store in the interface would not read as "none"
			o.store = st
		}
	}
}

// recordsAPI is embedded in Engine so the store's queries are the phone's.
type recordsAPI = Records

// WatchAddress is the address whose busy lamp stands for contact c (its
// first SIP address, else its first number; "" if none): the key of
// State().Lamps for a contact marked BLF.
func WatchAddress(c Contact) string { return journal.WatchAddress(c) }

package gui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// The window's records in the tests: the phone's records held in memory,
// with the journal counts the phone's state reports for them.

// withRecords gives the window's phone the records rec; the state the
// window reads carries their counts, as the core's JournalEvents do.
func (h *harness) withRecords(rec *guitest.Records) {
	h.phone.Records = rec
	h.root.Phone = guitest.NewJournalPhone(h.phone, rec)
}

// feedHistory gives the phone n canned calls in its history.
func feedHistory(h *harness, n int) {
	rec := guitest.NewRecords()
	rec.AddCalls(cannedHistory(n)...)
	h.withRecords(rec)
}

// contactRecords are records holding the contacts cs.
func contactRecords(t testing.TB, cs ...core.Contact) *guitest.Records {
	t.Helper()
	rec := guitest.NewRecords()
	if err := rec.AddContact(cs...); err != nil {
		t.Fatal(err)
	}
	return rec
}

// contactIDs are the ids the records gave their contacts, by name.
func contactIDs(t testing.TB, rec *guitest.Records) map[string]int64 {
	t.Helper()
	cs, err := rec.Contacts(context.Background(), core.ContactQuery{})
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]int64{}
	for _, c := range cs {
		id[c.Name] = c.ID
	}
	return id
}

// cannedHistory is n calls, newest first, one every 37 minutes back from
// fixedNow: outgoing, answered incoming, missed, declined, over a few
// accounts and people.
func cannedHistory(n int) []core.HistoryEntry {
	people := []struct{ name, uri string }{
		{"Carol Smith", "sip:carol@sip.example.com"},
		{"", "sip:+33123456789@sip.example.com"},
		{"Bob Dupont", "sip:bob@sip.example.com"},
		{"Reception", "sip:100@pbx.example.org"},
		{"", "sip:dave@192.0.2.44:5060"},
	}
	accounts := []string{"alice", "alice", "work", ""}
	out := make([]core.HistoryEntry, n)
	for i := range out {
		p := people[i%len(people)]
		c := core.HistoryEntry{
			ID: int64(n - i), CallID: fmt.Sprintf("h-%d", n-i),
			Direction: string(call.Outgoing), Account: accounts[i%len(accounts)],
			RemoteURI: p.uri, DisplayName: p.name, State: "ended",
			Started: fixedNow.Add(-time.Duration(i+1) * 37 * time.Minute),
			Reason:  "hung up", Seen: true, Codec: "opus",
		}
		talk := time.Duration(20+(i*53)%900) * time.Second
		switch i % 4 {
		case 1: // answered incoming
			c.Direction, c.Reason = string(call.Inbound), "remote hung up"
		case 2: // missed
			c.Direction, c.Missed, c.Seen, c.Reason, talk = string(call.Inbound), true, i > 10, "cancelled", 0
		case 3: // declined, or not answered
			if i%8 == 3 {
				c.Direction, c.Reason, c.Code, talk = string(call.Inbound), "rejected", 603, 0
			} else {
				c.Reason, c.Code, talk = "busy", 486, 0
			}
		}
		c.Ended = c.Started.Add(8*time.Second + talk)
		if talk > 0 {
			c.Answered, c.Duration = c.Started.Add(8*time.Second), talk
		}
		out[i] = c
	}
	return out
}

package gui

import (
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// The messaging, busy-lamp and recording screens, added to TestScreens'
// list here so that the screens of each feature stay in their own file.
func init() {
	screens = append(screens,
		screen{"messages", func(h *harness) {
			h.root.Router.Tab = TabMessages
			h.withRecords(messageRecords())
		}},
		screen{"messages-thread", func(h *harness) {
			h.root.Router.Tab = TabMessages
			h.withRecords(messageRecords())
			h.root.Messages.Open("sip:carol@sip.example.com")
		}},
		screen{"history-recording", func(h *harness) {
			h.root.Router.Tab = TabHistory
			calls := cannedHistory(12)
			calls[0].Recording = "/home/alice/.local/share/softphone/recordings/2025-03-14_14-32-26_carol.wav"
			calls[4].Recording = "/home/alice/.local/share/softphone/recordings/2025-03-14_12-05-26_carol.wav"
			rec := guitest.NewRecords()
			rec.AddCalls(calls...)
			h.withRecords(rec)
			h.settle()
			h.click(h.find("Recorded: show the recording of this call"))
		}},
		screen{"contacts-blf", func(h *harness) {
			h.root.Router.Tab = TabContacts
			h.phone.BLF = map[string]core.BLFState{
				"sip:100@sip.example.com": core.BLFRinging,
				"sip:101@sip.example.com": core.BLFBusy,
				"sip:102@sip.example.com": core.BLFIdle,
			}
			h.withRecords(contactRecords(h.t, blfContacts()...))
		}},
	)
}

// messageRecords are records holding ms (none: cannedMessages).
func messageRecords(ms ...core.StoredMessage) *guitest.Records {
	if len(ms) == 0 {
		ms = cannedMessages()
	}
	rec := guitest.NewRecords()
	rec.AddMessage(ms...)
	return rec
}

// cannedMessages are four conversations: Carol's with a message that
// failed and one delivered, Bob's with two unread, a number, and a long
// text.
func cannedMessages() []core.StoredMessage {
	at := func(d time.Duration) time.Time { return fixedNow.Add(-d) }
	return []core.StoredMessage{
		{Key: "p1", Peer: "sip:+33123456789@sip.example.com", Incoming: true, State: "received", Read: true,
			Text: "Your appointment is confirmed for Monday at 10:30. Reply STOP to opt out.", At: at(50 * time.Hour)},
		{Key: "d1", Peer: "sip:dave@pbx.example.org", Incoming: true, State: "received", Read: true,
			Text: "The build is green again", At: at(27 * time.Hour)},
		{Key: "c1", Account: "alice", Peer: "sip:carol@sip.example.com", Incoming: true, State: "received", Read: true,
			Text: "Are we still on for the review at three?", At: at(95 * time.Minute)},
		{Key: "c2", Account: "alice", Peer: "sip:carol@sip.example.com", State: "failed", Code: 480, Reason: "Temporarily Unavailable",
			Text: "Yes — I'll bring the slides", At: at(93 * time.Minute)},
		{Key: "c3", Account: "alice", Peer: "sip:carol@sip.example.com", State: "delivered",
			Text: "Yes, I'll bring the slides. Room 4 upstairs, I booked it until five so we have time for questions.", At: at(80 * time.Minute)},
		{Key: "c4", Account: "alice", Peer: "sip:carol@sip.example.com", Incoming: true, State: "received", Read: true,
			Text: "Perfect, see you there", At: at(78 * time.Minute)},
		{Key: "c5", Account: "alice", Peer: "sip:carol@sip.example.com", State: "sending",
			Text: "Running 5 min late", At: at(2 * time.Minute)},
		{Key: "b1", Account: "alice", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received",
			Text: "Can you call me when you're free?", At: at(40 * time.Minute)},
		{Key: "b2", Account: "alice", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received",
			Text: "It's about the Dupont contract", At: at(39 * time.Minute)},
	}
}

// blfContacts are colleagues with busy lamps in each state, and people
// without one.
func blfContacts() []core.Contact {
	return []core.Contact{
		{Name: "Bob Dupont", Favourite: true, Numbers: []core.ContactNumber{{Label: "sip", Value: "sip:bob@sip.example.com"}}},
		{Name: "Reception", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "sip:100@sip.example.com"}}},
		{Name: "Sales — Marie", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "sip:101@sip.example.com"}, {Label: "mobile", Value: "+33 6 98 76 54 32"}}},
		{Name: "Support desk", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "sip:102@sip.example.com"}}},
		{Name: "Warehouse", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "sip:103@sip.example.com"}}},
		{Name: "Zoë Nguyen", Numbers: []core.ContactNumber{{Label: "mobile", Value: "+1 555 0142"}}},
	}
}

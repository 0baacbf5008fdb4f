package messages

import (
	"context"
	"errors"
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"gioui.org/io/key"
	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

var testNow = time.Date(2025, time.March, 14, 15, 9, 0, 0, time.UTC)

type harness struct {
	*guitest.Harness
	page  *Page
	phone *sender
	src   *guitest.Records
}

// newHarness shows the page with a phone whose records are src and, if
// record, whose message events are stored there (as the phone's journal
// does, which then moves).
func newHarness(t *testing.T, src *guitest.Records, size image.Point, record bool) *harness {
	h := &harness{page: New(), phone: newSender(src, record, testNow), src: src}
	h.Harness = guitest.NewPage(t, guitest.NewJournalPhone(h.phone, src), theme.New(false, guitest.Shaper), size, testNow,
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	h.frames(3)
	return h
}

// unread is the count of unread messages the window's badge shows (the
// phone's).
func (h *harness) unread() int { return h.Env.Model.Unread }

func (h *harness) frames(n int) {
	for range n {
		h.Frame()
	}
}

// later moves the clock on and draws.
func (h *harness) later(d time.Duration) {
	h.Now = h.Now.Add(d)
	h.frames(2)
}

// sent lists the SendMessage commands, then forgets the commands.
func (h *harness) sent() []string {
	var out []string
	for _, c := range h.phone.Commands() {
		if strings.HasPrefix(c, "SendMessage") {
			out = append(out, c)
		}
	}
	h.phone.Reset()
	return out
}

func (h *harness) mustHave(prefixes ...string) {
	h.T.Helper()
	for _, p := range prefixes {
		if !h.HasPrefix(p) {
			h.T.Fatalf("nothing starts with %q; have %q", p, h.Texts())
		}
	}
}

// conversation is records with three conversations: Bob's with two
// unread, Carol's read, and one with a number.
func conversation() *guitest.Records {
	at := func(min int) time.Time { return testNow.Add(time.Duration(-min) * time.Minute) }
	rec := guitest.NewRecords()
	rec.AddMessage(
		core.StoredMessage{Key: "c1", Peer: "sip:carol@pbx.example", Text: "Lunch at one?", State: "received", Incoming: true, At: at(200), Read: true},
		core.StoredMessage{Key: "c2", Account: "office", Peer: "sip:carol@pbx.example", Text: "Yes, see you there", State: "delivered", At: at(190)},
		core.StoredMessage{Key: "n1", Peer: "sip:+15550100@pbx.example", Text: "Your parcel is on its way", State: "received", Incoming: true, At: at(3000), Read: true},
		core.StoredMessage{Key: "b1", Account: "office", Peer: "sip:bob@pbx.example", Text: "Did you get the report?", State: "delivered", At: at(30)},
		core.StoredMessage{Key: "b2", Peer: "sip:bob@pbx.example", Text: "Not yet", State: "received", Incoming: true, At: at(20)},
		core.StoredMessage{Key: "b3", Peer: "sip:bob@pbx.example", Text: "Sending it now", State: "received", Incoming: true, At: at(19)},
	)
	return rec
}

func TestMessagesListShowsConversations(t *testing.T) {
	h := newHarness(t, conversation(), image.Pt(400, 700), true)
	h.mustHave(
		"Open the conversation with bob@pbx.example, 2 unread",
		"Open the conversation with carol@pbx.example",
		"Open the conversation with +15550100@pbx.example",
	)
	if got := h.unread(); got != 2 {
		t.Fatalf("unread %d, want 2", got)
	}
	// Newest first, with the last text (ours prefixed) and its time.
	var order []string
	for _, d := range h.Descriptions() {
		if strings.HasPrefix(d, "Open the conversation with ") {
			order = append(order, strings.TrimPrefix(d, "Open the conversation with "))
		}
	}
	if !slices.Equal(order, []string{"bob@pbx.example, 2 unread", "carol@pbx.example", "+15550100@pbx.example"}) {
		t.Fatalf("order %q", order)
	}
	for _, s := range []string{"Sending it now", "14:50", "You: Yes, see you there", "11:59", "Your parcel is on its way", "Wednesday"} {
		if !slices.Contains(h.Texts(), s) {
			t.Errorf("no %q in %q", s, h.Texts())
		}
	}
}

func TestMessagesOpeningAThreadMarksItRead(t *testing.T) {
	src := conversation()
	h := newHarness(t, src, image.Pt(400, 700), true)
	h.ClickPrefix("Open the conversation with bob@pbx.example")
	h.mustHave("Sent at 14:39: Did you get the report?. Delivered", "Received at 14:49: Not yet", "Received at 14:50: Sending it now")
	// Not at once: a thread opened by mistake and left keeps its count.
	if n, _ := src.Unread(context.Background()); n != 2 {
		t.Fatalf("marked read at once: %d unread", n)
	}
	h.later(unreadDelay + 10*time.Millisecond)
	if n, _ := src.Unread(context.Background()); n != 0 {
		t.Fatalf("%d unread after showing the thread", n)
	}
	if h.unread() != 0 {
		t.Fatalf("badge %d", h.unread())
	}
	h.ClickPrefix("Back to the conversations")
	h.frames(2)
	h.mustHave("Open the conversation with carol@pbx.example")
	if _, ok := h.FindPrefix("Open the conversation with bob@pbx.example, 2 unread"); ok {
		t.Fatalf("still unread in the list: %q", h.Descriptions())
	}
}

func TestMessagesSendWithEnterAndDeliveryState(t *testing.T) {
	src := conversation()
	h := newHarness(t, src, image.Pt(400, 700), true)
	h.ClickPrefix("Open the conversation with carol@pbx.example")
	h.TypeAfter("Message", "On my way")
	h.Key(key.NameReturn)
	// The conversation's account, its peer, the text.
	if got := h.sent(); !slices.Equal(got, []string{"SendMessage office sip:carol@pbx.example On my way"}) {
		t.Fatalf("sent %q", got)
	}
	h.frames(2)
	h.mustHave("Sent at 15:09: On my way. Sending…")
	h.phone.Deliver("sent-1", "delivered", 200, "OK")
	h.frames(3)
	h.mustHave("Sent at 15:09: On my way. Delivered")
	if ms, _ := src.Messages(context.Background(), "sip:carol@pbx.example", 1); len(ms) != 1 || ms[0].State != "delivered" {
		t.Fatalf("stored %+v", ms)
	}
	if strings.TrimSpace(textOf(h, "Message")) != "" {
		t.Fatalf("the field kept the text")
	}
	// An empty field sends nothing.
	h.Key(key.NameReturn)
	if got := h.sent(); len(got) != 0 {
		t.Fatalf("sent %q", got)
	}
	// Too long for the phone: said at once, and the text stays.
	long := strings.Repeat("x", core.MaxMessageBytes+1)
	h.typeHere(long)
	h.Key(key.NameReturn)
	if got := h.sent(); len(got) != 0 || len(h.Errs) != 1 || !strings.Contains(h.Errs[0], "bytes long") || h.page.compose.Text() != long {
		t.Fatalf("sent %d, errors %q, field of %d", len(got), h.Errs, len(h.page.compose.Text()))
	}
}

// typeHere types s where the focused field's caret is.
func (h *harness) typeHere(s string) {
	sel := h.Router.EditorState().Selection.Range
	h.Router.Queue(key.EditEvent{Range: sel, Text: s})
	at := max(sel.Start, sel.End) + len([]rune(s))
	h.Router.Queue(key.SelectionEvent{Start: at, End: at})
	h.frames(2)
}

// textOf is the text of the editor described desc.
func textOf(h *harness, desc string) string {
	if desc == "Message" {
		return h.page.compose.Text()
	}
	return h.page.to.Text()
}

func TestMessagesFailedShowsTheReasonAndRetries(t *testing.T) {
	h := newHarness(t, conversation(), image.Pt(400, 700), true)
	h.ClickPrefix("Open the conversation with carol@pbx.example")
	h.TypeAfter("Message", "Are you there?")
	h.ClickPrefix("Send the message")
	h.sent()
	h.phone.Deliver("sent-1", "failed", 404, "Not Found")
	h.frames(3)
	h.mustHave("Sent at 15:09: Are you there?. Not delivered: 404 Not Found")
	h.ClickPrefix("Send again: Are you there?")
	if got := h.sent(); !slices.Equal(got, []string{"SendMessage office sip:carol@pbx.example Are you there?"}) {
		t.Fatalf("retry sent %q", got)
	}
	// A send the phone refuses: the error shows and the text comes back.
	h.phone.Fail["SendMessage"] = errors.New("message: no account")
	h.TypeAfter("Message", "Hello?")
	h.Key(key.NameReturn)
	h.frames(2)
	if len(h.Errs) != 1 || !strings.Contains(h.Errs[0], "no account") || h.page.compose.Text() != "Hello?" {
		t.Fatalf("errors %q, field %q", h.Errs, h.page.compose.Text())
	}
}

func TestMessagesNewConversation(t *testing.T) {
	src := conversation()
	h := newHarness(t, src, image.Pt(400, 700), true)
	h.ClickPrefix("Write a new message")
	h.TypeAfter("Address to write to", "bob smith")
	h.TypeAfter("Message", "Hi")
	h.Key(key.NameReturn)
	if got := h.sent(); len(got) != 0 || h.page.toErr == "" {
		t.Fatalf("sent %q with a bad address (error %q)", got, h.page.toErr)
	}
	h.mustHave(`an address cannot hold ' '`)
	// Enter in the address moves to the message; Enter there sends.
	h.TypeInto("Address to write to", "+1 (555) 0142")
	h.Key(key.NameReturn)
	h.typeHere(" there")
	h.Key(key.NameReturn)
	if got := h.sent(); !slices.Equal(got, []string{"SendMessage  +15550142 Hi there"}) {
		t.Fatalf("sent %q (address %q, message %q)", got, h.page.to.Text(), h.page.compose.Text())
	}
	h.frames(3)
	// The new conversation is open, and listed.
	h.mustHave("Call +15550142", "Sent at 15:09: Hi there. Sending…")
	h.ClickPrefix("Back to the conversations")
	h.mustHave("Open the conversation with +15550142")
}

// TestMessagesReceivedShowOnceStored: a message received shows when the
// phone's journal has it, counted once.
func TestMessagesReceivedShowOnceStored(t *testing.T) {
	src := conversation()
	// The journal is slow: it stores the message only later.
	h := newHarness(t, src, image.Pt(400, 700), false)
	m := h.phone.Receive("d1", "sip:dave@pbx.example", "Call me back", testNow)
	h.frames(3)
	if _, ok := h.FindPrefix("Open the conversation with dave@pbx.example"); ok {
		t.Fatalf("shown before the phone stored it: %q", h.Descriptions())
	}
	src.RecordMessage(m)
	h.frames(2)
	h.mustHave("Open the conversation with dave@pbx.example, 1 unread")
	if h.unread() != 3 {
		t.Fatalf("badge %d, want 3", h.unread())
	}
	h.frames(3)
	if h.unread() != 3 || len(h.page.live) != 0 {
		t.Fatalf("badge %d, live %v", h.unread(), h.page.live)
	}
	// One arriving in the open thread while the window is in the
	// background stays unread until the window is back.
	h.ClickPrefix("Open the conversation with dave@pbx.example")
	h.page.Background = true
	h.later(unreadDelay + time.Millisecond)
	if n, _ := src.Unread(context.Background()); n != 3 {
		t.Fatalf("marked read in the background: %d unread", n)
	}
	h.page.Background = false
	// One arriving in the open thread is read there.
	h.later(unreadDelay + time.Millisecond)
	src.RecordMessage(h.phone.Receive("d2", "sip:dave@pbx.example", "Or now", testNow.Add(time.Second)))
	h.frames(2)
	h.mustHave("Received at 15:09: Or now")
	h.later(unreadDelay + time.Millisecond)
	if n, _ := src.Unread(context.Background()); n != 2 || h.unread() != 2 {
		t.Fatalf("unread: records %d, badge %d; want Bob's 2", n, h.unread())
	}
}

// TestMessagesSentShowBeforeStored: a message sent here shows at once;
// once the journal has it, the page keeps no copy and shows how it went.
func TestMessagesSentShowBeforeStored(t *testing.T) {
	src := conversation()
	h := newHarness(t, src, image.Pt(400, 700), false)
	h.ClickPrefix("Open the conversation with carol@pbx.example")
	h.TypeAfter("Message", "On my way")
	h.Key(key.NameReturn)
	h.frames(2)
	h.mustHave("Sent at 15:09: On my way. Sending…")
	if len(h.page.live) != 1 {
		t.Fatalf("live %v", h.page.live)
	}
	h.phone.Deliver("sent-1", "delivered", 200, "OK")
	src.RecordMessage(h.phone.sent["sent-1"])
	h.frames(2)
	h.mustHave("Sent at 15:09: On my way. Delivered")
	if len(h.page.live) != 0 {
		t.Fatalf("live %v after the journal stored it", h.page.live)
	}
	h.ClickPrefix("Back to the conversations")
	h.mustHave("Open the conversation with carol@pbx.example")
	if !slices.Contains(h.Texts(), "You: On my way") {
		t.Fatalf("last text: %q", h.Texts())
	}
}

func TestMessagesWideShowsListAndThread(t *testing.T) {
	h := newHarness(t, conversation(), image.Pt(1000, 700), true)
	h.mustHave("Choose a conversation")
	h.ClickPrefix("Open the conversation with carol@pbx.example")
	h.mustHave("Open the conversation with bob@pbx.example", "Received at 11:49: Lunch at one?", "Call carol@pbx.example")
	if _, ok := h.FindPrefix("Back to the conversations"); ok {
		t.Fatal("a Back button beside the list")
	}
}

func TestMessagesWithoutRecords(t *testing.T) {
	rec := guitest.NewRecords()
	rec.SetErr(core.ErrNoRecords)
	h := newHarness(t, rec, image.Pt(400, 700), false)
	h.mustHave("Messages are not available")
	if _, ok := h.FindPrefix("Write a new message"); ok || len(h.Errs) != 0 {
		t.Fatalf("New offered, or errors %q", h.Errs)
	}
}

func TestCheckAddress(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{" sip:bob@pbx ", "sip:bob@pbx", ""},
		{"bob", "bob", ""},
		{"+44 (20) 7946-0958", "+442079460958", ""},
		{"", "", "type an address"},
		{"bob\r\nTo: x", "", "cannot hold"},
		{"<sip:bob@pbx>", "", "cannot hold"},
		{"bob smith", "", "cannot hold"},
		{strings.Repeat("a", 300), "", "too long"},
	} {
		got, err := checkAddress(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: %v, want an error with %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

// TestMessagesPageOverRecorderWrites runs the page over records written
// as the phone's journal writes them: a peer's address with parameters
// is the same conversation, a sent message's state is updated in place.
func TestMessagesPageOverRecorderWrites(t *testing.T) {
	ctx := context.Background()
	st := guitest.NewRecords()
	for _, m := range []core.StoredMessage{
		{Key: "a", Peer: "sip:bob@pbx.example", Incoming: true, State: "received", Text: "First", At: testNow.Add(-2 * time.Hour)},
		{Key: "b", Peer: "sip:bob@pbx.example;transport=tcp", Incoming: true, State: "received", Text: "Second", At: testNow.Add(-time.Hour)},
		{Key: "c", Peer: "sip:carol@pbx.example", State: "sending", Text: "Hello", At: testNow.Add(-time.Minute)},
		{Key: "c", Peer: "sip:carol@pbx.example", State: "failed", Code: 480, Reason: "Temporarily Unavailable"},
	} {
		st.AddMessage(m)
	}
	h := newHarness(t, st, image.Pt(900, 700), true)
	h.mustHave("Open the conversation with carol@pbx.example", "Open the conversation with bob@pbx.example, 2 unread")
	h.ClickPrefix("Open the conversation with carol@pbx.example")
	h.mustHave("Sent at 15:08: Hello. Not delivered: 480 Temporarily Unavailable")
	h.ClickPrefix("Open the conversation with bob@pbx.example")
	h.mustHave("Received at 13:09: First", "Received at 14:09: Second")
	h.later(unreadDelay + time.Millisecond)
	if n, _ := st.Unread(ctx); n != 0 {
		t.Fatalf("%d unread in the records", n)
	}
	h.TypeAfter("Message", "Thanks")
	h.Key(key.NameReturn)
	h.phone.Deliver("sent-1", "delivered", 200, "OK")
	h.frames(3)
	h.mustHave("Sent at 15:09: Thanks. Delivered")
	if m, err := st.MessageByKey(ctx, "sent-1"); err != nil || m.State != "delivered" {
		t.Fatalf("stored %+v %v", m, err)
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

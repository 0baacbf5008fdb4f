package incoming_test

import (
	"image"
	"testing"
	"time"

	"gioui.org/io/key"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/pages/incoming"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

var now = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func carol() call.Info {
	return call.Info{ID: "c", Direction: call.Inbound, Account: "home",
		Remote: call.Party{DisplayName: "Carol Nguyen", URI: "sip:carol@voip.example.org"}, State: call.Incoming, Started: now}
}

func alice() call.Info {
	return call.Info{ID: "a", Remote: call.Party{DisplayName: "Alice Martin", URI: "sip:alice@example.com"},
		State: call.Connected, Answered: now.Add(-time.Minute)}
}

func newScreen(t *testing.T, calls ...call.Info) *guitest.Screen {
	return guitest.NewScreen(t, theme.New(true, nil), image.Pt(360, 700), now, incoming.New().Layout, calls...)
}

func TestAnswer(t *testing.T) {
	s := newScreen(t, carol())
	s.ExpectPart("Call from Carol Nguyen")
	s.ClickPart("Answer the call from Carol Nguyen")
	s.Want("Answer c")
}

func TestDecline(t *testing.T) {
	s := newScreen(t, carol())
	s.ClickPart("Decline the call from Carol Nguyen")
	s.Want("Decline c") // the phone picks the code
}

func TestHoldAndAnswer(t *testing.T) {
	held := alice()
	held.ID, held.State, held.LocalHold = "h", call.Held, true
	s := newScreen(t, held, alice(), carol())
	if !s.HasPrefix("Answering puts your current call on hold.") {
		t.Errorf("no notice that answering holds the call; have %q", s.Texts())
	}
	s.ClickPart("Put the current call on hold and answer Carol Nguyen")
	// The phone holds the live call itself: the screen only answers.
	s.Want("Answer c")
}

func TestAnswerWithOnlyAHeldCall(t *testing.T) {
	held := alice()
	held.State, held.LocalHold = call.Held, true
	s := newScreen(t, held, carol())
	s.ClickPart("Answer the call from Carol Nguyen")
	s.Want("Answer c")
}

func TestDoubleTapSendsOnce(t *testing.T) {
	s := newScreen(t, carol())
	s.Phone.Err = errTest{} // the call stays incoming
	s.ClickPart("Answer the call from")
	s.ClickPart("Answer the call from")
	s.ClickPart("Decline the call from")
	s.Want("Answer c")
	if d, _ := s.FindPart("Answer the call from"); !d.Disabled {
		t.Error("answer still enabled while the command is under way")
	}
	// After a while the buttons come back (the command failed).
	s.Now = s.Now.Add(4 * time.Second)
	s.Frame()
	s.ClickPart("Decline the call from")
	s.Want("Decline c")
}

type errTest struct{}

func (errTest) Error() string { return "refused" }

func TestEnterAnswers(t *testing.T) {
	s := newScreen(t, carol())
	s.Key(key.NameReturn)
	s.Want("Answer c")
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		party     call.Party
		name, uri string
		initials  string
	}{
		{call.Party{DisplayName: "Carol Nguyen", URI: "sip:carol@x"}, "Carol Nguyen", "sip:carol@x", "CN"},
		{call.Party{URI: "sip:bob@example.com;transport=tcp"}, "bob", "sip:bob@example.com;transport=tcp", "B"},
		{call.Party{URI: "sips:+33612345678@example.com"}, "+33612345678", "sips:+33612345678@example.com", ""},
		{call.Party{}, "Unknown caller", "", "UC"},
	} {
		name, uri := callNames(c.party)
		if name != c.name || uri != c.uri {
			t.Errorf("Names(%+v) = %q, %q; want %q, %q", c.party, name, uri, c.name, c.uri)
		}
		if got := initials(name); got != c.initials {
			t.Errorf("Initials(%q) = %q, want %q", name, got, c.initials)
		}
	}
}

var (
	callNames = widgets.Names
	initials  = widgets.Initials
)

func callFrom(id, display, uri string) call.Info {
	return call.Info{ID: id, Direction: call.Inbound, Remote: call.Party{DisplayName: display, URI: uri}, State: call.Incoming, Started: now}
}

// contactCall is a call the phone found in the contacts.
func contactCall(id, display, uri, contact string) call.Info {
	c := callFrom(id, display, uri)
	c.Contact = contact
	return c
}

func TestCallerIDShowsContactName(t *testing.T) {
	s := newScreen(t, contactCall("x", "", "sip:+331234@x", "Dave Martin"))
	s.ExpectPart("Call from Dave Martin")
	s.ExpectPart("Answer the call from Dave Martin")
	if _, ok := s.Find("sip:+331234@x"); !ok {
		t.Errorf("the address is no longer shown; have %q", s.Descriptions())
	}
}

func TestCallerIDReplacesADifferentDisplayName(t *testing.T) {
	s := newScreen(t, contactCall("x", "PBX trunk 3", "sip:+331234@x", "Dave Martin"))
	s.ExpectPart("Call from Dave Martin")
	if _, ok := s.Find("“PBX trunk 3” sip:+331234@x"); !ok {
		t.Errorf("display name and address not shown; have %q", s.Descriptions())
	}
}

func TestCallerIDUnknownKeepsDisplayName(t *testing.T) {
	s := newScreen(t, carol())
	s.ExpectPart("Call from Carol Nguyen")
}

func TestWaitingShowsTheCurrentCall(t *testing.T) {
	s := newScreen(t, alice(), carol())
	s.ExpectPart("Call from Carol Nguyen")
	s.ExpectPart("Current call: Alice Martin, Connected · 01:00")
	if !s.HasPrefix("Call waiting") {
		t.Errorf("no call waiting title; have %q", s.Texts())
	}
	// The current call's timer moves on.
	s.Now = s.Now.Add(2 * time.Second)
	s.Frame()
	s.ExpectPart("Current call: Alice Martin, Connected · 01:02")
}

func TestNoCurrentCallWhenAlone(t *testing.T) {
	s := newScreen(t, carol())
	if _, ok := s.FindPart("Current call"); ok {
		t.Error("a current call is shown with no other call")
	}
	if !s.HasPrefix("Incoming call") {
		t.Errorf("no incoming call title; have %q", s.Texts())
	}
}

// TestWaitingDeclineLeavesTheCodeToThePhone: declining a waiting call
// is one Decline; the phone says busy (486) since a call is up.
func TestWaitingDeclineLeavesTheCodeToThePhone(t *testing.T) {
	s := newScreen(t, alice(), carol())
	s.ClickPart("Decline the call from Carol Nguyen")
	s.Want("Decline c")
}

// TestWaitingEnterAnswers: Enter answers the waiting call in one
// command, and the current call shows on hold after (the phone held it).
func TestWaitingEnterAnswers(t *testing.T) {
	s := newScreen(t, alice(), carol())
	s.Key(key.NameReturn)
	s.Want("Answer c")
	st := s.Phone.State()
	if c, _ := st.Call("a"); c.State != call.Held {
		t.Errorf("current call %v after answering, want held", c.State)
	}
}

func TestAutoAnswerIsShown(t *testing.T) {
	c := carol()
	s := newScreen(t, c)
	if _, ok := s.FindPart("Answering automatically"); ok {
		t.Error("auto answer shown for a call that is not")
	}
	c.AutoAnswer = true
	s.Phone.SetCalls(c)
	s.Frame()
	s.ExpectPart("Answering automatically")
}

func TestReferredCallerIsShown(t *testing.T) {
	c := carol()
	c.ReferredBy = `"Bob Dupont" <sip:bob@example.com>`
	s := newScreen(t, c)
	s.ExpectPart("Transferred by Bob Dupont")
}

package core_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

// vmUser is the voicemail server's identity in the presence Kamailio.
var vmUser = testlab.User{Name: "vm", Password: "vm-secret"}

func presenceUsers() []testlab.User {
	return append(append([]testlab.User(nil), testlab.DefaultUsers...), vmUser, testlab.User{Name: "dave", Password: "dave-secret"})
}

// voicemailServer publishes message summaries as the vm identity.
func voicemailServer(t *testing.T, k *testlab.Kamailio) func(user string, s presence.MessageSummary) {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	from := sip.Target{Username: vmUser.Name, Password: vmUser.Password, Domain: k.Domain, Proxy: k.UDPAddr, Transport: "udp"}
	etags := map[string]string{}
	return func(user string, s presence.MessageSummary) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		res, err := ua.Publish(ctx, sip.PublishOptions{From: from, To: "sip:" + user + "@" + k.Domain, Event: "message-summary",
			ContentType: "application/simple-message-summary", Body: s.Format(), Expires: 3600, ETag: etags[user]})
		if err != nil {
			t.Fatalf("voicemail PUBLISH for %s: %v", user, err)
		}
		if res.ETag == "" {
			t.Fatalf("PUBLISH accepted without SIP-ETag")
		}
		etags[user] = res.ETag
	}
}

func waitVoicemail(t *testing.T, events <-chan core.Event, want core.VoicemailStatus) {
	t.Helper()
	var last core.VoicemailStatus
	waitFor(t, events, 10*time.Second, fmt.Sprintf("voicemail %+v", want), func(e core.Event) bool {
		if v, ok := e.(core.VoicemailEvent); ok {
			last = v.VoicemailStatus
			if last != want {
				t.Logf("voicemail event %+v (waiting for %+v)", last, want)
			}
			return last == want
		}
		return false
	})
}

func TestVoicemailIndicationThroughKamailio(t *testing.T) {
	k := testlab.StartPresenceKamailio(t, testlab.KamailioOptions{Users: presenceUsers()})
	publish := voicemailServer(t, k)
	// The mailbox has messages before the phone starts: the first NOTIFY tells.
	publish("alice", presence.MessageSummary{Waiting: true, Classes: map[string]presence.Counts{"voice-message": {New: 2, Old: 5, UrgentNew: 1}}})

	p, events := startPhone(t, writeRawConfig(t, featureConfig(k, "alice", "voicemail = \"*97\"\n")))
	waitStatus(t, events, "alice", 10*time.Second, account.Registered)
	waitVoicemail(t, events, core.VoicemailStatus{Account: "alice", Waiting: true, New: 2, Old: 5, Urgent: 1, Number: "*97"})
	if got := p.State().Voicemail; len(got) != 1 || got[0].New != 2 || !got[0].Waiting || got[0].Number != "*97" {
		t.Fatalf("Voicemail() = %+v", got)
	}

	// The user listens to them: a new summary comes as a NOTIFY.
	publish("alice", presence.MessageSummary{Waiting: false, Classes: map[string]presence.Counts{"voice-message": {Old: 7}}})
	waitVoicemail(t, events, core.VoicemailStatus{Account: "alice", Old: 7, Number: "*97"})

	// Someone else's mailbox does not light ours.
	publish("bob", presence.MessageSummary{Waiting: true, Classes: map[string]presence.Counts{"voice-message": {New: 9}}})
	select {
	case e := <-events:
		if v, ok := e.(core.VoicemailEvent); ok {
			t.Fatalf("bob's mailbox changed ours: %+v", v)
		}
	case <-time.After(500 * time.Millisecond):
	}
}

// rawNotify sends one out-of-dialog NOTIFY to addr and returns the status.
func rawNotify(t *testing.T, addr, user, contentType, body string) int {
	t.Helper()
	answer := rawRequest(t, addr, func(local net.Addr) string {
		return fmt.Sprintf("NOTIFY sip:%s@%s SIP/2.0\r\n"+
			"Via: SIP/2.0/UDP %s;branch=z9hG4bK%d\r\n"+
			"Max-Forwards: 70\r\n"+
			"From: <sip:vm@127.0.0.1>;tag=vm1\r\n"+
			"To: <sip:%s@127.0.0.1>\r\n"+
			"Call-ID: mwi-%d@127.0.0.1\r\n"+
			"CSeq: 1 NOTIFY\r\n"+
			"Event: message-summary\r\n"+
			"Subscription-State: active\r\n"+
			"Content-Type: %s\r\n"+
			"Content-Length: %d\r\n\r\n%s",
			user, addr, local, time.Now().UnixNano(), user, time.Now().UnixNano(), contentType, len(body), body)
	})
	var code int
	if _, err := fmt.Sscanf(answer, "SIP/2.0 %d", &code); err != nil {
		t.Fatalf("answer %q: %v", answer, err)
	}
	return code
}

func TestVoicemailUnsolicitedNotify(t *testing.T) {
	// No server needed: the voicemail system NOTIFYs the phone directly.
	// Unregistered, the accounts subscribe to nothing; "quiet" has the
	// indication off and ignores what comes.
	cfg := "[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = \"desk\"\nusername = \"alice\"\npassword = \"x\"\ndomain = \"127.0.0.1:1\"\n" +
		"\n[[account]]\nname = \"quiet\"\nusername = \"carl\"\npassword = \"x\"\ndomain = \"127.0.0.1:1\"\nmwi = false\n"
	p, events := startPhone(t, writeRawConfig(t, cfg), core.WithoutRegistration())
	addr := p.State().Listen

	if code := rawNotify(t, addr, "alice", "application/simple-message-summary", "Messages-Waiting: yes\r\nVoice-Message: 3/1 (0/0)\r\n"); code != 200 {
		t.Fatalf("NOTIFY answered %d, want 200", code)
	}
	waitVoicemail(t, events, core.VoicemailStatus{Account: "desk", Waiting: true, New: 3, Old: 1})

	for _, tc := range []struct {
		user, ct, body string
		want           int
	}{
		{"nobody", "application/simple-message-summary", "Messages-Waiting: yes\r\n", 404},
		{"alice", "text/html", "<b>hi</b>", 415},
		{"alice", "application/simple-message-summary", "Messages-Waiting: perhaps\r\n", 400},
	} {
		if code := rawNotify(t, addr, tc.user, tc.ct, tc.body); code != tc.want {
			t.Errorf("NOTIFY for %s (%s) answered %d, want %d", tc.user, tc.ct, code, tc.want)
		}
	}
	if code := rawNotify(t, addr, "carl", "application/simple-message-summary", "Messages-Waiting: yes\r\nVoice-Message: 7/0\r\n"); code != 200 {
		t.Errorf("NOTIFY for the account with the indication off answered %d, want 200", code)
	}
	if got := p.State().Voicemail; len(got) != 2 || got[0].New != 3 || got[1] != (core.VoicemailStatus{Account: "quiet"}) {
		t.Fatalf("bad or ignored NOTIFYs changed the status: %+v", got)
	}
}

func TestDialVoicemail(t *testing.T) {
	cfg := "[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = \"a\"\nusername = \"alice\"\npassword = \"x\"\ndomain = \"127.0.0.1:1\"\n" +
		"\n[[account]]\nname = \"b\"\nusername = \"bob\"\npassword = \"x\"\ndomain = \"127.0.0.1:1\"\nvoicemail = \"*98\"\n"
	p, events := startPhone(t, writeRawConfig(t, cfg), core.WithoutRegistration())
	if _, err := p.DialVoicemail(context.Background(), "a"); !errors.Is(err, core.ErrNoVoicemail) {
		t.Fatalf("account without a number: %v", err)
	}
	if _, err := p.DialVoicemail(context.Background(), "zzz"); !errors.Is(err, core.ErrUnknownAccount) {
		t.Fatalf("unknown account: %v", err)
	}
	id, err := p.DialVoicemail(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	e := waitFor(t, events, 5*time.Second, "the voicemail call", func(e core.Event) bool {
		c, ok := e.(core.CallEvent)
		return ok && c.ID == id
	}).(core.CallEvent)
	if e.Account != "b" || !strings.HasPrefix(e.Remote.URI, "sip:*98@127.0.0.1") {
		t.Fatalf("voicemail call %+v, want *98 through account b", e.Info)
	}
	_ = p.Hangup(id)
}

package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// Blind transfer with baresip 1.0 through Kamailio, both ways: baresip
// as the transferee (and target), baresip as the transferor. baresip does
// no attended transfer: TestAttendedTransfer covers that with our phones.

// waitRegistered polls the phone until its account is registered.
func waitRegistered(t *testing.T, x *xferPhone) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := x.State()
		if len(s.Accounts) > 0 && s.Accounts[0].State == account.Registered {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not registered: %+v", x.name, s.Accounts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTransferBaresipToBaresip: we call bob and send him to carol (both
// baresip); bob calls carol, our call ends "transferred", and bob and
// carol talk.
func TestTransferBaresipToBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1300, Record: true})
	alice := startXferPhone(t, "alice", aliceConfig(k), 440, core.WithoutRegistration())

	id := dialConnected(t, alice.tonePhone, bob, k)

	if err := alice.Transfer(context.Background(), id, "carol"); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	if e := bobWait(t, bob, "TRANSFER", 5*time.Second); !strings.Contains(e.Param, "carol@") {
		t.Errorf("baresip's TRANSFER event: %q", e.Param)
	}
	if e := bobWait(t, carol, "CALL_ESTABLISHED", 5*time.Second); !strings.Contains(e.PeerURI, "bob@") {
		t.Errorf("carol established a call with %q, want bob", e.PeerURI)
	}
	end := alice.ended(t, id, 5*time.Second)
	if end.Reason != "transferred" || end.Transfer != "done" {
		t.Errorf("our call ended %q (transfer %q), want transferred/done; transfer went %q", end.Reason, end.Transfer, alice.transfers(id))
	}
	if got := alice.transfers(id); got[0] != "trying" {
		t.Errorf("transfer went %q", got)
	}
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second) // its call with us
	time.Sleep(1500 * time.Millisecond)
	r, err := bob.Command("listcalls", "")
	if err != nil || !strings.Contains(r.Data, "carol@") {
		t.Errorf("bob's calls: %q, %v; want the call with carol", r.Data, err)
	}
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	bobWait(t, carol, "CALL_CLOSED", 5*time.Second)
	recs, err := carol.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("carol's recordings %v: %v", recs, err)
	}
	expectTone(t, recs[len(recs)-1], 1000, 1) // bob's tone reached carol
}

// TestTransferToBusyBaresip: carol refuses bob's call; our call comes back
// (resumed) with the failure in Transfer.
func TestTransferToBusyBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, AnswerMode: "manual"})
	alice := startXferPhone(t, "alice", aliceConfig(k), 440, core.WithoutRegistration())

	id := dialConnected(t, alice.tonePhone, bob, k)

	if err := alice.Transfer(context.Background(), id, "sip:carol@"+k.Domain); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	bobWait(t, carol, "CALL_INCOMING", 5*time.Second)
	if err := carol.Hangup(); err != nil { // 486 Rejected
		t.Fatal(err)
	}
	failed := alice.waitFor(t, 5*time.Second, "failed transfer", func(i call.Info) bool {
		return i.ID == id && strings.HasPrefix(i.Transfer, "failed: ")
	})
	t.Logf("transfer: %q; baresip events %v", failed.Transfer, bobEvents(bob, ""))
	if !strings.HasPrefix(failed.Transfer, "failed: 486") {
		t.Errorf("Transfer = %q, want failed: 486 …", failed.Transfer)
	}
	alice.waitFor(t, 5*time.Second, "resumed call", func(i call.Info) bool {
		return i.ID == id && i.State == call.Connected && !i.LocalHold && strings.HasPrefix(i.Transfer, "failed")
	})
	alice.flowing(t, id)
	time.Sleep(1500 * time.Millisecond)
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	alice.ended(t, id, 5*time.Second)
	// bob's tone comes back after the resume: the last 2 s before hang-up.
	r := spanReport(t, alice.recordingOf(t, id), 1000, 2200*time.Millisecond, 200*time.Millisecond)
	if r.ActiveSeconds < 1.5 {
		t.Errorf("after the failed transfer our recording has %v", r)
	}
}

// TestBaresipTransfersUs: bob (baresip) calls alice (ours) and sends her
// to carol (ours): alice calls carol, referred by bob, and her call with
// bob ends.
func TestBaresipTransfersUs(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	alice := startXferPhone(t, "alice", aliceConfig(k), 440)
	carol := startXferPhone(t, "carol", featureConfig(k, "carol", ""), 1300)
	waitRegistered(t, alice)
	waitRegistered(t, carol)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})

	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	ab := alice.answerNext(t)
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)

	if _, err := bob.Command("transfer", "sip:carol@"+k.Domain); err != nil {
		t.Fatalf("baresip transfer: %v", err)
	}
	ac := alice.waitFor(t, 5*time.Second, "call to carol", func(i call.Info) bool {
		return i.ID != ab.ID && i.Direction == call.Outgoing
	})
	if !strings.Contains(ac.ReferredBy, "bob@") || !strings.Contains(ac.Remote.URI, "carol@") {
		t.Errorf("alice's new call: %+v, want to carol, referred by bob", ac)
	}
	ca := carol.answerNext(t)
	alice.waitState(t, ac.ID, call.Connected, 5*time.Second)
	if end := alice.ended(t, ab.ID, 5*time.Second); end.Reason != "transferred" {
		t.Errorf("alice's call with bob ended %q, want transferred", end.Reason)
	}
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
	alice.flowing(t, ac.ID)
	carol.flowing(t, ca.ID)
	if err := alice.Hangup(ac.ID); err != nil {
		t.Fatal(err)
	}
	carol.ended(t, ca.ID, 5*time.Second)
	expectTone(t, carol.recordingOf(t, ca.ID), 440, 1)
}

package testlab

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// TestKamailioRouting checks the proxy half of the configuration: requests to
// a TCP/TLS-registered user go back over the user's own connection (its
// Contact port has no listener), a call's ACK and BYE follow the Record-Route
// set in both directions, and requests to unknown or unregistered users get
// 404 after proxy authentication.
func TestKamailioRouting(t *testing.T) {
	Require(t, "kamailio", "kamailio")
	k := StartKamailio(t, KamailioOptions{TLS: true})

	// bob: UDP, listening on the port its Contact names.
	bob := newTestUA(t, k, "bob", "udp", true)
	bobDialogs := sipgo.NewDialogServerCache(bob.client, bob.contact)
	acked := make(chan struct{}, 1)
	var bobDialog *sipgo.DialogServerSession
	answered := make(chan error, 1)
	bob.srv.OnInvite(func(req *sip.Request, tx sip.ServerTransaction) {
		dlg, err := bobDialogs.ReadInvite(req, tx)
		if err != nil {
			answered <- err
			return
		}
		bobDialog = dlg
		// Respond blocks until the ACK arrives.
		err = dlg.Respond(sip.StatusOK, "OK", nil)
		answered <- err
	})
	bob.srv.OnAck(func(req *sip.Request, tx sip.ServerTransaction) {
		if err := bobDialogs.ReadAck(req, tx); err == nil {
			acked <- struct{}{}
		}
	})
	bob.srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
		bobDialogs.ReadBye(req, tx)
	})
	mustRegister(t, k, bob, "bob-secret")

	t.Cleanup(func() {
		if t.Failed() {
			t.Log(k.Log())
		}
	})
	for _, transport := range []string{"tcp", "tls"} {
		t.Run(transport, func(t *testing.T) {
			alice := newTestUA(t, k, "alice", transport, false)
			messages := make(chan string, 4)
			alice.srv.OnMessage(func(req *sip.Request, tx sip.ServerTransaction) {
				messages <- string(req.Body())
				tx.Respond(sip.NewResponseFromRequest(req, sip.StatusOK, "OK", nil))
			})
			aliceDialogs := sipgo.NewDialogClientCache(alice.client, alice.contact)
			byes := make(chan struct{}, 1)
			alice.srv.OnBye(func(req *sip.Request, tx sip.ServerTransaction) {
				if err := aliceDialogs.ReadBye(req, tx); err == nil {
					byes <- struct{}{}
				}
			})
			mustRegister(t, k, alice, "alice-secret")
			bs, err := k.Bindings("alice")
			if err != nil || len(bs) != 1 || !strings.Contains(bs[0].Received, "transport="+transport) {
				t.Fatalf("alice's binding over %s: %+v %v", transport, bs, err)
			}

			// bob -> alice MESSAGE: 407, then relayed over alice's connection.
			msg := bob.newRequest(sip.MESSAGE, alice.aor())
			msg.AppendHeader(sip.NewHeader("Content-Type", "text/plain"))
			msg.SetBody([]byte("hello " + transport))
			ch, res, err := bob.do(ctxTimeout(t), msg, "bob-secret")
			if err != nil {
				t.Fatalf("MESSAGE: %v\n%s", err, k.Log())
			}
			if ch == nil || ch.StatusCode != sip.StatusProxyAuthRequired || res.StatusCode != 200 {
				t.Fatalf("MESSAGE: challenge %v, final %s\n%s", ch, res.StartLine(), k.Log())
			}
			select {
			case got := <-messages:
				if got != "hello "+transport {
					t.Errorf("alice got %q", got)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("alice did not get the MESSAGE")
			}

			// alice calls bob: 407, 200, ACK reaches bob (his contact
			// 127.0.0.1:port is not taken for the proxy itself).
			inv := alice.newRequest(sip.INVITE, bob.aor())
			inv.AppendHeader(&alice.contact)
			ctx := ctxTimeout(t)
			dlg, err := aliceDialogs.WriteInvite(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			if err := dlg.WaitAnswer(ctx, sipgo.AnswerOptions{Username: "alice", Password: "alice-secret"}); err != nil {
				t.Fatalf("INVITE: %v\n%s", err, k.Log())
			}
			if err := dlg.Ack(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case <-acked:
			case <-time.After(5 * time.Second):
				t.Fatalf("bob got no ACK\n%s", k.Log())
			}
			if err := <-answered; err != nil {
				t.Fatalf("bob's answer: %v", err)
			}

			// bob hangs up: the BYE goes to alice's Contact (with the
			// proxy's alias) over her TCP/TLS connection.
			if err := bobDialog.Bye(ctx); err != nil {
				t.Fatalf("BYE from bob: %v\n%s", err, k.Log())
			}
			select {
			case <-byes:
			case <-time.After(5 * time.Second):
				t.Fatal("alice got no BYE")
			}

			// unknown user and known-but-unregistered user: 404
			for _, user := range []string{"nobody", "carol"} {
				msg := alice.newRequest(sip.MESSAGE, sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1"})
				_, res, err := alice.do(ctxTimeout(t), msg, "alice-secret")
				if err != nil {
					t.Fatal(err)
				}
				if res.StatusCode != sip.StatusNotFound {
					t.Errorf("MESSAGE to %s: %s, want 404", user, res.StartLine())
				}
			}

			// A wrong password on an INVITE gets a final 407.
			inv = alice.newRequest(sip.INVITE, bob.aor())
			inv.AppendHeader(&alice.contact)
			dlg, err = aliceDialogs.WriteInvite(ctx, inv)
			if err != nil {
				t.Fatal(err)
			}
			err = dlg.WaitAnswer(ctx, sipgo.AnswerOptions{Username: "alice", Password: "wrong"})
			var resErr *sipgo.ErrDialogResponse
			if !errors.As(err, &resErr) || resErr.Res.StatusCode != sip.StatusProxyAuthRequired {
				t.Errorf("INVITE with a wrong password: %v, want final 407", err)
			}

			// Unregister, so that the next subtest starts clean.
			if _, res, err := alice.register(ctxTimeout(t), "alice-secret", 0); err != nil || res.StatusCode != 200 {
				t.Fatalf("unregister: %v %v", res, err)
			}
		})
	}
}

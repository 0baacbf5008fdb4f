package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

// recoverWithin is how soon after the registrar answers again our
// contact must be back in its location table.
const recoverWithin = 5 * time.Second

// TestRegistrarRestartRecovered: Kamailio (usrloc in memory) stops and
// starts again on the same port, having forgotten every contact. Over TCP
// (and TLS) the phone sees its connection close and registers again at once (it
// fails while Kamailio is down, then tries every couple of seconds); over
// UDP three unanswered keep-alives make it register, and the same quick
// tries follow. Either way our contact is back in `kamcmd ul.dump`
// within recoverWithin of Kamailio answering again, long before the
// refresh (sip.RefreshAfter(60) = 51 s). The account runs with the
// defaults, except UDP keep-alives every second instead of 25 s, which
// only shortens the test's wait for the phone to notice.
func TestRegistrarRestartRecovered(t *testing.T) {
	for _, tr := range []string{"udp", "tcp", "tls"} {
		t.Run(tr, func(t *testing.T) {
			k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: tr == "tls"})
			proxy := k.UDPAddr
			var uaOpts []sip.Option
			if tr == "tls" {
				conf, err := sip.TLSConfig(sip.TLSPolicy{CAFiles: []string{k.CAFile}, IPHosts: []string{"127.0.0.1"}})
				if err != nil {
					t.Fatal(err)
				}
				proxy, uaOpts = k.TLSAddr, []sip.Option{sip.WithTLSConfig(conf)}
			}
			ua := listen(t, uaOpts...)
			reg, err := ua.NewRegistration(sip.Target{Username: "alice", Password: "alice-secret", Domain: k.Domain, Proxy: proxy, Transport: tr})
			if err != nil {
				t.Fatal(err)
			}
			opts := []account.Option{account.WithLogger(slog.New(slog.DiscardHandler))}
			if tr == "udp" {
				opts = append(opts, account.WithKeepAlive(time.Second))
			}
			acc := account.New("alice", reg, 60, opts...)
			states := make(chan account.State, 100)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				defer close(done)
				acc.Run(ctx, func(s account.Status) { states <- s.State })
			}()
			t.Cleanup(func() { cancel(); <-done })
			waitState := func(want account.State, within time.Duration) {
				t.Helper()
				deadline := time.After(within)
				for {
					select {
					case s := <-states:
						if s == want {
							return
						}
					case <-deadline:
						t.Fatalf("alice not %v within %v (now %v)", want, within, acc.Status())
					}
				}
			}
			// Our contact as usrloc lists it (the user part may carry more
			// than the user name: match the host and port).
			ours := fmt.Sprintf("@127.0.0.1:%d", ua.Port())
			registered := func() bool {
				out, err := k.RPC("ul.dump")
				if err != nil {
					return false
				}
				for _, line := range strings.Split(out, "\n") {
					if strings.Contains(line, "Address: sip:alice") && strings.Contains(line, ours) {
						return true
					}
				}
				return false
			}
			waitState(account.Registered, 10*time.Second)
			if !registered() {
				t.Fatalf("alice's contact (%s) not in ul.dump after registering", ours)
			}

			if err := k.Stop(); err != nil {
				t.Fatal(err)
			}
			// The phone notices: a REGISTER finds nobody.
			waitState(account.Failed, 20*time.Second)
			if err := k.Start(); err != nil {
				t.Fatal(err)
			}
			back := time.Now()
			if registered() {
				t.Fatal("Kamailio remembered alice across its restart: the test proves nothing")
			}
			testlab.Eventually(t, recoverWithin, "alice's contact back in ul.dump", registered)
			t.Logf("%s: contact back %v after Kamailio answered again", tr, time.Since(back).Round(time.Millisecond))
		})
	}
}

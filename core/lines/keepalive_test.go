package lines

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

const every = 200 * time.Millisecond

var quietLog = slog.New(slog.DiscardHandler)

func listenUA(t *testing.T) *sip.UA {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	return ua
}

func keepAliveSet(accounts []config.Account, emit func(account.Status), noRegister bool) *Set {
	return New(accounts, Options{
		Log:        quietLog,
		Account:    []account.Option{account.WithKeepAlive(every), account.WithAttemptTimeout(2 * time.Second)},
		NoRegister: noRegister,
		Emit:       emit,
		Registrar: func(ua *sip.UA, l *Line) (account.Registrar, error) {
			return ua.NewRegistration(l.Target())
		},
	})
}

func TestKeepAliveStopsWhenTheAccountIsRemoved(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	ua := listenUA(t)
	registered := make(chan struct{}, 1)
	s := keepAliveSet([]config.Account{{Name: "a", Username: "alice", Password: "alice-secret",
		Domain: k.Domain, Proxy: k.UDPAddr, Transport: "udp", Expires: 60, Enabled: true}},
		func(st account.Status) {
			if st.State == account.Registered {
				select {
				case registered <- struct{}{}:
				default:
				}
			}
		}, false)
	if err := s.Prepare(ua); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s.Run(ctx)
	t.Cleanup(func() { s.Stop(context.Background()) })
	select {
	case <-registered:
	case <-time.After(10 * time.Second):
		t.Fatal("the account did not register")
	}

	from := fmt.Sprintf("from 127.0.0.1:%d/udp", ua.Port())
	options := func() int {
		n := 0
		for _, line := range strings.Split(k.Log(), "\n") {
			if strings.Contains(line, "request OPTIONS ") && strings.Contains(line, from) {
				n++
			}
		}
		return n
	}
	testlab.Eventually(t, 10*time.Second, "3 OPTIONS keep-alives in Kamailio's log", func() bool { return options() >= 3 })

	actx, acancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer acancel()
	line := s.All()[0]
	if start := s.Apply(actx, nil); len(start) != 0 || len(s.All()) != 0 || line.Registered() {
		t.Fatalf("account still in force after its removal")
	}
	before := options()
	time.Sleep(5 * every) // nothing to wait for: keep-alives must not come
	if after := options(); after != before {
		t.Errorf("%d more OPTIONS after the account was removed", after-before)
	}
}

func TestKeepAliveNotWithoutRegistration(t *testing.T) {
	// A silent "registrar": whatever reaches it counts.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	got := make(chan string, 10)
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			got <- string(buf[:n])
		}
	}()
	ua := listenUA(t)
	s := keepAliveSet([]config.Account{{Name: "a", Username: "alice", Password: "pw",
		Domain: "example.com", Proxy: pc.LocalAddr().String(), Transport: "udp", Expires: 60, Enabled: true}}, nil, true)
	if err := s.Prepare(ua); err != nil {
		t.Fatal(err)
	}
	s.Run(context.Background())
	select {
	case m := <-got:
		t.Fatalf("an unregistered line sent %q", m)
	case <-time.After(5 * every):
	}
}

package account_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/sip/siptest"
	"github.com/softphone/softphone/internal/testlab"
)

// tcpTap sits between the phone and the registrar on TCP and counts, from
// the stream framing, the keep-alives each way and the phone's requests.
type tcpTap struct {
	addr     string
	conns    atomic.Int32
	requests atomic.Int32 // SIP messages from the phone
	pings    atomic.Int32 // double CRLFs from the phone
	pongs    atomic.Int32 // single CRLFs from the registrar
}

func newTCPTap(t *testing.T, upstream string) *tcpTap {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tap := &tcpTap{addr: l.Addr().String()}
	var wg sync.WaitGroup
	var mu sync.Mutex // guards open
	var open []net.Conn
	wg.Go(func() {
		for {
			down, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", upstream)
			if err != nil {
				down.Close()
				continue
			}
			tap.conns.Add(1)
			mu.Lock()
			open = append(open, down, up)
			mu.Unlock()
			wg.Go(func() {
				pipe(down, up, func(msgs, crlfs int) { tap.requests.Add(int32(msgs)); tap.pings.Add(int32(crlfs)) })
			})
			wg.Go(func() { pipe(up, down, func(_, crlfs int) { tap.pongs.Add(int32(crlfs)) }) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range open {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return tap
}

// pipe copies from src to dst, reporting what each read completes.
func pipe(src, dst net.Conn, seen func(msgs, crlfs int)) {
	defer dst.Close()
	var s siptest.Stream
	buf := make([]byte, 65536)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		msgs, crlfs := s.Feed(buf[:n])
		seen(len(msgs), crlfs)
		if _, err := dst.Write(buf[:n]); err != nil {
			return
		}
	}
}

const every = 200 * time.Millisecond

// runAccount keeps alice registered at proxy with keep-alives every
// period; stop ends it and unregisters.
func runAccount(t *testing.T, ua *sip.UA, k *testlab.Kamailio, proxy, transport string, opts ...account.Option) (stop func()) {
	t.Helper()
	reg, err := ua.NewRegistration(sip.Target{Username: "alice", Password: "alice-secret", Domain: k.Domain, Proxy: proxy, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	opts = append([]account.Option{account.WithKeepAlive(every), account.WithLogger(quiet),
		account.WithAttemptTimeout(2 * time.Second)}, opts...)
	acc := account.New("alice", reg, 60, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	registered := make(chan struct{}, 1)
	go func() {
		defer close(done)
		acc.Run(ctx, func(s account.Status) {
			if s.State == account.Registered {
				select {
				case registered <- struct{}{}:
				default:
				}
			}
		})
	}()
	stop = func() {
		cancel()
		<-done
		uctx, ucancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ucancel()
		if err := acc.Unregister(uctx, nil); err != nil {
			t.Errorf("unregister: %v", err)
		}
	}
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-registered:
	case <-time.After(10 * time.Second):
		t.Fatalf("alice did not register over %s: %v", transport, acc.Status())
	}
	return stop
}

func listen(t *testing.T, opts ...sip.Option) *sip.UA {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0", append([]sip.Option{sip.WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	return ua
}

// quiet waits several periods and fails if count moved meanwhile.
func quiet(t *testing.T, what string, count func() int) {
	t.Helper()
	before := count()
	time.Sleep(5 * every) // nothing to wait for: keep-alives must not come
	if after := count(); after != before {
		t.Errorf("%d more %s after the line stopped", after-before, what)
	}
}

func TestKeepAliveKamailioTCP(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	tap := newTCPTap(t, k.TCPAddr)
	ua := listen(t)
	stop := runAccount(t, ua, k, tap.addr, "tcp")

	testlab.Eventually(t, 10*time.Second, "3 keep-alives answered by Kamailio", func() bool {
		return tap.pings.Load() >= 2*3 && tap.pongs.Load() >= 3
	})
	if n := tap.pings.Load(); n%2 != 0 {
		t.Errorf("%d CRLFs from the phone: not whole double-CRLF keep-alives", n)
	}
	stop()
	// The un-REGISTER went over the same connection as the REGISTERs and
	// the keep-alives: Kamailio answered it there after the pongs.
	if c := tap.conns.Load(); c != 1 {
		t.Errorf("%d TCP connections, want 1", c)
	}
	if r := tap.requests.Load(); r < 4 { // REGISTER, its answer to 401, and the same for the un-REGISTER
		t.Errorf("%d requests through the tap, want at least 4", r)
	}
	quiet(t, "CRLFs", func() int { return int(tap.pings.Load()) })
}

func TestKeepAliveKamailioUDP(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	ua := listen(t)
	stop := runAccount(t, ua, k, k.UDPAddr, "udp")

	// Kamailio logs each request with its source: OPTIONS from our socket.
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
	stop()
	quiet(t, "OPTIONS", options)
	if !strings.Contains(k.Log(), "request REGISTER ") {
		t.Errorf("no REGISTER in Kamailio's log:\n%s", k.Log())
	}
}

// A registrar that restarts forgets our contact and closes our connection:
// the keep-alives find it gone and register again long before the refresh.
func TestKeepAliveKamailioRestart(t *testing.T) {
	for _, tr := range []string{"tcp", "tls"} {
		t.Run(tr, func(t *testing.T) {
			k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: tr == "tls"})
			addr := k.TCPAddr
			var opts []sip.Option
			if tr == "tls" {
				conf, err := sip.TLSConfig(sip.TLSPolicy{CAFiles: []string{k.CAFile}, IPHosts: []string{"127.0.0.1"}})
				if err != nil {
					t.Fatal(err)
				}
				addr, opts = k.TLSAddr, []sip.Option{sip.WithTLSConfig(conf)}
			}
			ua := listen(t, opts...)
			runAccount(t, ua, k, addr, tr, account.WithBackoff(every, time.Second))
			contacts := func() int {
				c, _ := k.Contacts("alice")
				return len(c)
			}
			if n := contacts(); n != 1 {
				t.Fatalf("%d contacts for alice, want 1", n)
			}
			if err := k.Stop(); err != nil {
				t.Fatal(err)
			}
			if err := k.Start(); err != nil {
				t.Fatal(err)
			}
			// The refresh is due in sip.RefreshAfter(60) = 51 s.
			testlab.Eventually(t, 10*time.Second, "alice registered again after Kamailio's restart", func() bool { return contacts() == 1 })
		})
	}
}

package sip

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

func keepAlive(t *testing.T, r *Registration, within time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	return r.KeepAlive(ctx)
}

func TestKeepAliveUDPIsOptionsFromTheListeningSocket(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		// Any answer proves the path: registrars often refuse OPTIONS.
		return siptest.Reply(req, "405 Method Not Allowed")
	})
	ua, r := newTestRegistration(t, reg, password)
	for range 2 {
		if err := keepAlive(t, r, 5*time.Second); err != nil {
			t.Fatalf("KeepAlive answered with 405: %v", err)
		}
	}
	reqs := reg.requests()
	if len(reqs) != 2 {
		t.Fatalf("registrar got %d requests, want 2", len(reqs))
	}
	for i, q := range reqs {
		m := q.msg
		if m.Method != sip.OPTIONS || m.Recipient.String() != "sip:example.com" {
			t.Errorf("request %d: %s %s, want OPTIONS sip:example.com", i, m.Method, m.Recipient.String())
		}
		if q.from.(*net.UDPAddr).Port != ua.Port() {
			t.Errorf("request %d sent from port %d, not the listening port %d", i, q.from.(*net.UDPAddr).Port, ua.Port())
		}
		if tag, _ := m.To().Params.Get("tag"); tag != "" {
			t.Errorf("request %d: out-of-dialog OPTIONS with a To tag", i)
		}
	}
	if reqs[0].msg.CallID().Value() == reqs[1].msg.CallID().Value() {
		t.Error("two keep-alives share a Call-ID")
	}
}

func TestKeepAliveUDPUnanswered(t *testing.T) {
	reg := newFakeRegistrar(t, func(int, *sip.Request) string { return "" })
	_, r := newTestRegistration(t, reg, password)
	start := time.Now()
	err := keepAlive(t, r, 300*time.Millisecond)
	if !errors.Is(err, ErrNoResponse) {
		t.Fatalf("err = %v, want ErrNoResponse", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("KeepAlive took %v with a 300ms deadline", d)
	}
	if len(reg.requests()) == 0 {
		t.Error("no OPTIONS reached the registrar")
	}
}

func TestKeepAliveStreamWithoutConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ua := listenUA(t)
	for _, tr := range []string{"tcp", "tls"} {
		r, err := ua.NewRegistration(Target{Username: "alice", Domain: "example.com", Proxy: l.Addr().String(), Transport: tr})
		if err != nil {
			t.Fatal(err)
		}
		// No REGISTER has opened a connection: nothing to keep alive, and
		// none is dialled for it.
		if err := keepAlive(t, r, time.Second); !errors.Is(err, ErrFlowLost) {
			t.Errorf("%s: err = %v, want ErrFlowLost", tr, err)
		}
	}
}

// streamRegistrar answers every REGISTER on TCP or TLS with 200 OK and
// each double-CRLF keep-alive with a single CRLF, noting on which
// connection each arrived.
type streamRegistrar struct {
	addr  string
	pings chan int // the connection number of each keep-alive

	mu    sync.Mutex // guards conns and reqs
	conns int
	reqs  []int // the connection number of each request
}

func newStreamRegistrar(t *testing.T, cert *tls.Certificate) *streamRegistrar {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cert != nil {
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{*cert}})
	}
	s := &streamRegistrar{addr: l.Addr().String(), pings: make(chan int, 100)}
	var wg sync.WaitGroup
	var open []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			n := s.conns
			s.conns++
			open = append(open, c)
			s.mu.Unlock()
			wg.Go(func() { s.serve(t, c, n) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		s.mu.Lock()
		for _, c := range open {
			c.Close()
		}
		s.mu.Unlock()
		wg.Wait()
	})
	return s
}

func (s *streamRegistrar) serve(t *testing.T, c net.Conn, n int) {
	var in siptest.Stream
	crlfs := 0
	buf := make([]byte, 65536)
	for {
		k, err := c.Read(buf)
		if err != nil {
			return
		}
		msgs, cr := in.Feed(buf[:k])
		for _, raw := range msgs {
			m, err := sip.ParseMessage([]byte(raw))
			req, ok := m.(*sip.Request)
			if err != nil || !ok {
				t.Errorf("registrar got %q (%v)", raw, err)
				continue
			}
			s.mu.Lock()
			s.reqs = append(s.reqs, n)
			s.mu.Unlock()
			c.Write([]byte(siptest.Reply(req, "200 OK", "Expires: 60")))
		}
		for crlfs += cr; crlfs >= 2; crlfs -= 2 {
			c.Write([]byte("\r\n"))
			s.pings <- n
		}
	}
}

func TestKeepAliveStreamOnTheRegisterConnection(t *testing.T) {
	ca := newCA(t, "Test CA")
	cert := ca.leaf(t, "127.0.0.1")
	for _, tr := range []string{"tcp", "tls"} {
		t.Run(tr, func(t *testing.T) {
			var srv *streamRegistrar
			var ua *UA
			if tr == "tls" {
				srv = newStreamRegistrar(t, &cert)
				ua = listenUA(t, WithTLSConfig(mustTLSConfig(t, TLSPolicy{CAFiles: []string{ca.file(t)}, IPHosts: []string{"127.0.0.1"}})))
			} else {
				srv = newStreamRegistrar(t, nil)
				ua = listenUA(t)
			}
			r, err := ua.NewRegistration(Target{Username: "alice", Domain: "example.com", Proxy: srv.addr, Transport: tr})
			if err != nil {
				t.Fatal(err)
			}
			if res, err := register(t, r, 60); err != nil || res.Code != 200 {
				t.Fatalf("Register = %+v, %v", res, err)
			}
			for i := range 3 {
				if err := keepAlive(t, r, time.Second); err != nil {
					t.Fatalf("keep-alive %d: %v", i, err)
				}
				select {
				case n := <-srv.pings:
					if n != 0 {
						t.Fatalf("keep-alive %d on connection %d, not the REGISTER's", i, n)
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("keep-alive %d did not reach the registrar", i)
				}
			}
			// The registrar's CRLF answers did not upset sipgo's reader:
			// the refresh goes out and is answered on the same connection.
			if res, err := register(t, r, 60); err != nil || res.Code != 200 {
				t.Fatalf("refresh after keep-alives = %+v, %v", res, err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if srv.conns != 1 || len(srv.reqs) != 2 {
				t.Errorf("%d connections, %d requests; want the 2 REGISTERs on one", srv.conns, len(srv.reqs))
			}
		})
	}
}

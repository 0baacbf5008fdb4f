package sip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

func TestResultOf(t *testing.T) {
	ours := &sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "alice", Host: "192.0.2.10", Port: 5062}}
	const oursURI = "<sip:alice@192.0.2.10:5062>"
	for _, tc := range []struct {
		name    string
		status  string
		headers []string
		want    RegisterResult
	}{
		{"our contact among several", "200 OK", []string{
			"Contact: <sip:alice@192.0.2.99:5062>;expires=3600",
			"Contact: <sip:alice@192.0.2.10:5999>;expires=10",
			"Contact: <sip:bob@192.0.2.10:5062>;expires=20",
			"Contact: " + oursURI + ";expires=55",
			"Expires: 3600",
		}, RegisterResult{Code: 200, Reason: "OK", Expires: 55}},
		{"contacts in one header", "200 OK", []string{
			"Contact: <sip:alice@192.0.2.99:5062>;expires=3600, " + oursURI + ";expires=42",
		}, RegisterResult{Code: 200, Reason: "OK", Expires: 42}},
		{"only other devices: Expires header", "200 OK", []string{
			"Contact: <sip:alice@192.0.2.99:5062>;expires=3600",
			"Expires: 300",
		}, RegisterResult{Code: 200, Reason: "OK", Expires: 300}},
		{"our contact without expires", "200 OK", []string{
			"Contact: " + oursURI, "Expires: 90",
		}, RegisterResult{Code: 200, Reason: "OK", Expires: 90}},
		{"garbage contact expires", "200 OK", []string{
			"Contact: " + oursURI + ";expires=soon", "Expires: 80",
		}, RegisterResult{Code: 200, Reason: "OK", Expires: 80}},
		{"nothing: the asked value", "200 OK", nil,
			RegisterResult{Code: 200, Reason: "OK", Expires: 60}},
		{"garbage Expires: the asked value", "200 OK", []string{"Expires: later"},
			RegisterResult{Code: 200, Reason: "OK", Expires: 60}},
		{"contact expires=0", "200 OK", []string{"Contact: " + oursURI + ";expires=0", "Expires: 60"},
			RegisterResult{Code: 200, Reason: "OK", Expires: 0}},
		{"423", "423 Interval Too Brief", []string{"Min-Expires: 120", "Contact: " + oursURI + ";expires=5"},
			RegisterResult{Code: 423, Reason: "Interval Too Brief", MinExpires: 120}},
		{"423 garbage Min-Expires", "423 Interval Too Brief", []string{"Min-Expires: two minutes"},
			RegisterResult{Code: 423, Reason: "Interval Too Brief"}},
		{"Retry-After with comment and params", "503 Service Unavailable", []string{"Retry-After: 120 (maintenance);duration=60"},
			RegisterResult{Code: 503, Reason: "Service Unavailable", RetryAfter: 120 * time.Second}},
		{"Retry-After plain", "500 Server Internal Error", []string{"Retry-After: 30"},
			RegisterResult{Code: 500, Reason: "Server Internal Error", RetryAfter: 30 * time.Second}},
		{"Retry-After garbage", "503 Service Unavailable", []string{"Retry-After: tomorrow"},
			RegisterResult{Code: 503, Reason: "Service Unavailable"}},
		{"Retry-After negative", "503 Service Unavailable", []string{"Retry-After: -5"},
			RegisterResult{Code: 503, Reason: "Service Unavailable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines := append([]string{"SIP/2.0 " + tc.status,
				"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKx",
				"From: <sip:alice@example.com>;tag=a", "To: <sip:alice@example.com>;tag=b",
				"Call-ID: c", "CSeq: 2 REGISTER"}, tc.headers...)
			if got := resultOf(parseResponse(t, lines...), ours, 60); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSplitHostPort(t *testing.T) {
	for _, tc := range []struct {
		in   string
		host string
		port int
		bad  bool
	}{
		{"example.com", "example.com", 0, false},
		{"example.com:5061", "example.com", 5061, false},
		{"192.0.2.1:5060", "192.0.2.1", 5060, false},
		{"[2001:db8::1]", "2001:db8::1", 0, false},
		{"[2001:db8::1]:5080", "2001:db8::1", 5080, false},
		{"example.com:0", "", 0, true},
		{"example.com:65536", "", 0, true},
		{"example.com:sip", "", 0, true},
		{"example.com:", "", 0, true},
		{"[2001:db8::1]:x", "", 0, true},
		{"", "", 0, true},
		{"[]", "", 0, true},
	} {
		host, port, err := splitHostPort(tc.in)
		if (err != nil) != tc.bad || host != tc.host || port != tc.port {
			t.Errorf("splitHostPort(%q) = %q, %d, %v; want %q, %d, bad=%v", tc.in, host, port, err, tc.host, tc.port, tc.bad)
		}
	}
	for in, want := range map[string]string{
		"example.com": "example.com", "example.com:5061": "example.com",
		"[2001:db8::1]": "2001:db8::1", "[2001:db8::1]:5061": "2001:db8::1",
		"example.com:bad": "example.com:bad",
	} {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
	}
}

func ourContact(req *sip.Request, expires int) string {
	return fmt.Sprintf("Contact: <%s>;expires=%d", req.Contact().Address.String(), expires)
}

func challenge(nonce string, extra string) string {
	return fmt.Sprintf(`WWW-Authenticate: Digest realm="example.com", nonce="%s", algorithm=MD5, qop="auth"%s`, nonce, extra)
}

func nonceOf(req *sip.Request, password string) (string, bool) {
	p, err := checkAnswer(req, "Authorization", password)
	return p["nonce"], err == nil && p["username"] == "alice"
}

func newTestRegistration(t *testing.T, reg *fakeRegistrar, password string) (*UA, *Registration) {
	t.Helper()
	ua := listenUA(t)
	r, err := ua.NewRegistration(Target{Username: "alice", Password: password, Domain: "example.com",
		Proxy: reg.addr(), Transport: "udp"})
	if err != nil {
		t.Fatal(err)
	}
	return ua, r
}

func register(t *testing.T, r *Registration, expires int) (RegisterResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return r.Register(ctx, expires)
}

const password = "correct-horse-battery"

func TestRegisterChallengeAndRefresh(t *testing.T) {
	var nonce string
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		if got, ok := nonceOf(req, password); ok && got == nonce {
			if req.GetHeader("Expires").Value() == "0" {
				return siptest.Reply(req, "200 OK", "Contact: <sip:alice@192.0.2.99:5060>;expires=3600")
			}
			return siptest.Reply(req, "200 OK", "Contact: <sip:alice@192.0.2.99:5060>;expires=3600",
				ourContact(req, 55), "Expires: 3600")
		}
		nonce = fmt.Sprintf("nonce-%d", n)
		return siptest.Reply(req, "401 Unauthorized", challenge(nonce, ""))
	})
	ua, r := newTestRegistration(t, reg, password)

	res, err := register(t, r, 60)
	if err != nil || res != (RegisterResult{Code: 200, Reason: "OK", Expires: 55}) {
		t.Fatalf("Register = %+v, %v; want 200 expires 55", res, err)
	}
	reqs := reg.requests()
	if len(reqs) != 2 {
		t.Fatalf("registrar got %d requests, want 2", len(reqs))
	}
	first, second := reqs[0], reqs[1]
	if first.msg.GetHeader("Authorization") != nil || second.msg.GetHeader("Authorization") == nil {
		t.Error("want Authorization on the second REGISTER only")
	}
	if first.msg.CallID().Value() != second.msg.CallID().Value() {
		t.Error("the answer to the challenge changed the Call-ID")
	}
	if got, want := second.msg.CSeq().SeqNo, first.msg.CSeq().SeqNo+1; got != want {
		t.Errorf("CSeq after challenge = %d, want %d", got, want)
	}
	b1, _ := first.msg.Via().Params.Get("branch")
	b2, _ := second.msg.Via().Params.Get("branch")
	if b1 == b2 || !strings.HasPrefix(b1, "z9hG4bK") || !strings.HasPrefix(b2, "z9hG4bK") {
		t.Errorf("Via branches %q, %q: want two different RFC 3261 branches", b1, b2)
	}
	for i, q := range reqs {
		m := q.msg
		c := m.Contact()
		if c == nil || c.Address.Host != "127.0.0.1" || c.Address.Port != ua.Port() || c.Address.User != "alice" {
			t.Errorf("request %d: Contact %v, want alice@127.0.0.1:%d", i, c, ua.Port())
		}
		if q.from.(*net.UDPAddr).Port != ua.Port() {
			t.Errorf("request %d sent from port %d, not the listening port %d", i, q.from.(*net.UDPAddr).Port, ua.Port())
		}
		if m.Recipient.String() != "sip:example.com" || m.GetHeader("Expires").Value() != "60" {
			t.Errorf("request %d: Request-URI %s, Expires %s", i, m.Recipient.String(), m.GetHeader("Expires").Value())
		}
		if tag, _ := m.To().Params.Get("tag"); tag != "" {
			t.Errorf("request %d: To has a tag", i)
		}
		if strings.Contains(q.raw, password) {
			t.Errorf("request %d carries the password", i)
		}
	}

	// A refresh, then an unregistration: same dialog identifiers, rising CSeq.
	if res, err = register(t, r, 60); err != nil || res.Code != 200 || res.Expires != 55 {
		t.Fatalf("refresh = %+v, %v", res, err)
	}
	if res, err = register(t, r, 0); err != nil || res.Code != 200 || res.Expires != 0 {
		t.Fatalf("unregister = %+v, %v; want 200 expires 0", res, err)
	}
	reqs = reg.requests()
	if len(reqs) != 6 {
		t.Fatalf("registrar got %d requests, want 6", len(reqs))
	}
	fromTag, _ := reqs[0].msg.From().Params.Get("tag")
	for i, q := range reqs[1:] {
		tag, _ := q.msg.From().Params.Get("tag")
		if q.msg.CallID().Value() != reqs[0].msg.CallID().Value() || tag != fromTag || fromTag == "" {
			t.Errorf("request %d: Call-ID %s tag %s, want %s %s", i+1, q.msg.CallID().Value(), tag, reqs[0].msg.CallID().Value(), fromTag)
		}
		if q.msg.CSeq().SeqNo <= reqs[i].msg.CSeq().SeqNo {
			t.Errorf("request %d: CSeq %d after %d", i+1, q.msg.CSeq().SeqNo, reqs[i].msg.CSeq().SeqNo)
		}
	}
}

func TestRegisterWrongPassword(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		if _, ok := nonceOf(req, password); ok {
			return siptest.Reply(req, "200 OK")
		}
		return siptest.Reply(req, "401 Unauthorized", challenge(fmt.Sprint("n", n), ""))
	})
	_, r := newTestRegistration(t, reg, "wrong")
	res, err := register(t, r, 60)
	if !errors.Is(err, ErrAuth) || res.Code != 401 {
		t.Fatalf("Register = %+v, %v; want code 401 and ErrAuth", res, err)
	}
	if n := len(reg.requests()); n != 2 {
		t.Errorf("registrar got %d requests, want 2 (one answer only)", n)
	}
}

func TestRegisterStaleRechallenge(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		nonce, ok := nonceOf(req, password)
		switch {
		case ok && nonce == "first":
			return siptest.Reply(req, "401 Unauthorized", challenge("second", ", stale=true"))
		case ok && nonce == "second":
			return siptest.Reply(req, "200 OK", ourContact(req, 55))
		}
		return siptest.Reply(req, "401 Unauthorized", challenge("first", ""))
	})
	_, r := newTestRegistration(t, reg, password)
	res, err := register(t, r, 60)
	if err != nil || res.Code != 200 || res.Expires != 55 {
		t.Fatalf("Register = %+v, %v; want 200 expires 55", res, err)
	}
	reqs := reg.requests()
	if len(reqs) != 3 {
		t.Fatalf("registrar got %d requests, want 3", len(reqs))
	}
	for i := 1; i < 3; i++ {
		if reqs[i].msg.CSeq().SeqNo != reqs[i-1].msg.CSeq().SeqNo+1 {
			t.Errorf("CSeq %d after %d", reqs[i].msg.CSeq().SeqNo, reqs[i-1].msg.CSeq().SeqNo)
		}
	}
}

func TestRegisterEndlessStaleChallenges(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		return siptest.Reply(req, "401 Unauthorized", challenge(fmt.Sprint("n", n), ", stale=true"))
	})
	_, r := newTestRegistration(t, reg, password)
	res, err := register(t, r, 60)
	if n := len(reg.requests()); n > 4 || res.Code != 401 {
		t.Fatalf("Register = %+v, %v after %d requests; want 401 after at most 4", res, err, n)
	}
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("after endless stale challenges Register returned err = %v, want ErrAuth", err)
	}
}

func TestRegisterProxyChallenge(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		if _, err := checkAnswer(req, "Proxy-Authorization", password); err == nil && req.GetHeader("Authorization") == nil {
			return siptest.Reply(req, "200 OK", "Expires: 120")
		}
		return siptest.Reply(req, "407 Proxy Authentication Required",
			fmt.Sprintf(`Proxy-Authenticate: Digest realm="proxy", nonce="p%d", qop="auth"`, n))
	})
	_, r := newTestRegistration(t, reg, password)
	if res, err := register(t, r, 60); err != nil || res.Code != 200 || res.Expires != 120 {
		t.Fatalf("Register = %+v, %v; want 200 expires 120", res, err)
	}
}

func TestRegisterIntervalTooBrief(t *testing.T) {
	reg := newFakeRegistrar(t, func(n int, req *sip.Request) string {
		return siptest.Reply(req, "423 Interval Too Brief", "Min-Expires: 300")
	})
	_, r := newTestRegistration(t, reg, password)
	if res, err := register(t, r, 60); err != nil || res.Code != 423 || res.MinExpires != 300 {
		t.Fatalf("Register = %+v, %v; want 423 with Min-Expires 300", res, err)
	}
}

func TestRegisterNoResponse(t *testing.T) {
	reg := newFakeRegistrar(t, func(int, *sip.Request) string { return "" })
	_, r := newTestRegistration(t, reg, password)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.Register(ctx, 60)
	if !errors.Is(err, ErrNoResponse) {
		t.Fatalf("err = %v, want ErrNoResponse", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Register took %v with a 300ms deadline", d)
	}
	if len(reg.requests()) == 0 {
		t.Error("no REGISTER reached the registrar")
	}
}

func TestNewRegistrationBadTarget(t *testing.T) {
	ua := listenUA(t)
	for _, tr := range []string{"", "sctp", "UDP"} {
		if _, err := ua.NewRegistration(Target{Username: "alice", Domain: "example.com", Transport: tr}); err == nil {
			t.Errorf("transport %q accepted", tr)
		}
	}
	r, err := ua.NewRegistration(Target{Username: "alice", Domain: "example.com", Proxy: "127.0.0.1:99999", Transport: "udp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := register(t, r, 60); err == nil {
		t.Error("Register with a bad proxy port succeeded")
	}
}

package testlab

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

func init() {
	// sipgo logs harmless warnings (e.g. "UDP ref went negative") at WARN.
	sip.SetDefaultLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})))
}

// testUA is a minimal SIP user agent built directly on sipgo, talking to the
// test Kamailio over one transport.
type testUA struct {
	t         *testing.T
	user      string
	transport string // "udp", "tcp" or "tls"
	proxy     string // Kamailio's address for that transport
	ua        *sipgo.UserAgent
	client    *sipgo.Client
	srv       *sipgo.Server
	contact   sip.ContactHeader
}

// newTestUA creates a UA for user. With listen (UDP only), it serves requests
// on a UDP socket of its own, which its Contact names; otherwise its Contact names
// port 5099, where nobody listens, and it relies on Kamailio sending requests
// back over the connection it opened (TCP/TLS) or its source port.
func newTestUA(t *testing.T, k *Kamailio, user, transport string, listen bool) *testUA {
	t.Helper()
	u := &testUA{t: t, user: user, transport: transport}
	switch transport {
	case "udp":
		u.proxy = k.UDPAddr
	case "tcp":
		u.proxy = k.TCPAddr
	case "tls":
		u.proxy = k.TLSAddr
	default:
		t.Fatalf("transport %q", transport)
	}
	opts := []sipgo.UserAgentOption{sipgo.WithUserAgent(user), sipgo.WithUserAgentHostname("127.0.0.1")}
	if k.CAFile != "" {
		pem, err := os.ReadFile(k.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		opts = append(opts, sipgo.WithUserAgenTLSConfig(&tls.Config{RootCAs: pool}))
	}
	ua, err := sipgo.NewUA(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	u.ua = ua
	if u.srv, err = sipgo.NewServer(ua); err != nil {
		t.Fatal(err)
	}

	contact := sip.Uri{Scheme: "sip", User: user, Host: "127.0.0.1", Port: 5099, UriParams: sip.NewParams()}
	clientOpts := []sipgo.ClientOption{sipgo.WithClientHostname("127.0.0.1")}
	if listen {
		if transport != "udp" {
			t.Fatal("listen is for udp only")
		}
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// Requests leave from another (ephemeral) port: the Contact names
		// where this UA listens, and Kamailio must send there.
		go u.srv.ServeUDP(pc)
		contact.Port = pc.LocalAddr().(*net.UDPAddr).Port
	}
	if transport != "udp" {
		contact.UriParams.Add("transport", transport)
	}
	u.contact = sip.ContactHeader{Address: contact, Params: sip.NewParams()}
	if u.client, err = sipgo.NewClient(ua, clientOpts...); err != nil {
		t.Fatal(err)
	}
	return u
}

func (u *testUA) aor() sip.Uri { return sip.Uri{Scheme: "sip", User: u.user, Host: "127.0.0.1"} }

// newRequest builds an out-of-dialog request from this UA's AoR, sent to the
// proxy over the UA's transport.
func (u *testUA) newRequest(method sip.RequestMethod, to sip.Uri) *sip.Request {
	req := sip.NewRequest(method, to)
	from := &sip.FromHeader{Address: u.aor(), Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(from)
	req.AppendHeader(&sip.ToHeader{Address: to, Params: sip.NewParams()})
	req.SetDestination(u.proxy)
	req.SetTransport(strings.ToUpper(u.transport))
	return req
}

// do sends req and answers one digest challenge (401 or 407) with password.
func (u *testUA) do(ctx context.Context, req *sip.Request, password string) (challenge, final *sip.Response, err error) {
	res, err := u.client.Do(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	if res.StatusCode != sip.StatusUnauthorized && res.StatusCode != sip.StatusProxyAuthRequired {
		return nil, res, nil
	}
	final, err = u.client.DoDigestAuth(ctx, req, res, sipgo.DigestAuth{Username: u.user, Password: password})
	return res, final, err
}

// register sends REGISTER for sip:user@127.0.0.1 with this UA's Contact.
func (u *testUA) register(ctx context.Context, password string, expires int) (challenge, final *sip.Response, err error) {
	host, portStr, _ := net.SplitHostPort(u.proxy)
	port, _ := strconv.Atoi(portStr)
	req := u.newRequest(sip.REGISTER, sip.Uri{Scheme: "sip", Host: host, Port: port})
	req.ReplaceHeader(&sip.ToHeader{Address: u.aor(), Params: sip.NewParams()})
	req.AppendHeader(&u.contact)
	req.AppendHeader(sip.NewHeader("Expires", strconv.Itoa(expires)))
	return u.do(ctx, req, password)
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustRegister(t *testing.T, k *Kamailio, u *testUA, password string) {
	t.Helper()
	_, res, err := u.register(ctxTimeout(t), password, 60)
	if err != nil {
		t.Fatalf("register %s over %s: %v\n%s", u.user, u.transport, err, k.Log())
	}
	if res.StatusCode != 200 {
		t.Fatalf("register %s over %s: %s\n%s", u.user, u.transport, res.StartLine(), k.Log())
	}
}

func mustContacts(t *testing.T, k *Kamailio, user string, want int) []string {
	t.Helper()
	got, err := k.Contacts(user)
	if err != nil {
		t.Fatalf("Contacts(%q): %v", user, err)
	}
	if len(got) != want {
		t.Fatalf("Contacts(%q) = %q, want %d contact(s)\n%s", user, got, want, k.Log())
	}
	return got
}

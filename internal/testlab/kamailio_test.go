package testlab

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

func TestKamailioRegisterRestart(t *testing.T) {
	Require(t, "kamailio", "kamailio")
	start := time.Now()
	k := StartKamailio(t, KamailioOptions{TLS: true})
	t.Logf("kamailio started in %v: udp %s tcp %s tls %s", time.Since(start), k.UDPAddr, k.TCPAddr, k.TLSAddr)

	mustContacts(t, k, "alice", 0)

	alice := newTestUA(t, k, "alice", "udp", false)
	ch, res, err := alice.register(ctxTimeout(t), "alice-secret", 60)
	if err != nil {
		t.Fatalf("register: %v\n%s", err, k.Log())
	}
	if ch == nil || res.StatusCode != 200 {
		t.Fatalf("register: challenge %v, final %v\n%s", ch, res.StartLine(), k.Log())
	}
	if h := ch.GetHeader("WWW-Authenticate").Value(); !strings.Contains(h, `realm="127.0.0.1"`) || !strings.Contains(h, "qop=") {
		t.Errorf("challenge %q: want realm 127.0.0.1 and qop", h)
	}
	got := mustContacts(t, k, "alice", 1)
	if !strings.HasPrefix(got[0], "sip:alice@127.0.0.1:5099") {
		t.Errorf("contact %q, want sip:alice@127.0.0.1:5099", got[0])
	}
	mustContacts(t, k, "bob", 0)

	// The TLS listener presents a certificate for 127.0.0.1 signed by CAFile.
	checkTLS(t, k)

	// Stop, then start again on the same ports: registrations are gone.
	if err := k.Stop(); err != nil {
		t.Fatal(err)
	}
	if k.Running() {
		t.Fatal("still running after Stop")
	}
	if _, err := k.Contacts("alice"); err == nil {
		t.Error("Contacts succeeded while stopped")
	}
	start = time.Now()
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted in %v", time.Since(start))
	mustContacts(t, k, "alice", 0)
	_, res, err = alice.register(ctxTimeout(t), "alice-secret", 60)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("register after restart: %v %v\n%s", res, err, k.Log())
	}
	mustContacts(t, k, "alice", 1)

	// Expires: 0 removes the binding.
	_, res, err = alice.register(ctxTimeout(t), "alice-secret", 0)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("unregister: %v %v", res, err)
	}
	mustContacts(t, k, "alice", 0)
}

func checkTLS(t *testing.T, k *Kamailio) {
	t.Helper()
	pem, err := os.ReadFile(k.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("bad CA PEM")
	}
	for _, name := range []string{"127.0.0.1", "localhost"} {
		d := &net.Dialer{Timeout: 5 * time.Second}
		conn, err := tls.DialWithDialer(d, "tcp", k.TLSAddr, &tls.Config{RootCAs: pool, ServerName: name})
		if err != nil {
			t.Fatalf("TLS to %s as %s: %v", k.TLSAddr, name, err)
		}
		conn.Close()
	}
}

func TestKamailioWrongPassword(t *testing.T) {
	Require(t, "kamailio", "kamailio")
	k := StartKamailio(t, KamailioOptions{})
	bob := newTestUA(t, k, "bob", "udp", false)
	_, res, err := bob.register(ctxTimeout(t), "not-the-password", 60)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode < 300 {
		t.Fatalf("wrong password got %s", res.StartLine())
	}
	t.Logf("wrong password: %s", res.StartLine())
	mustContacts(t, k, "bob", 0)

	// An unknown user is challenged the same way and never registers.
	mallory := newTestUA(t, k, "mallory", "udp", false)
	_, res, err = mallory.register(ctxTimeout(t), "x", 60)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode < 300 {
		t.Fatalf("unknown user got %s", res.StartLine())
	}
}

func TestKamailioSHA256(t *testing.T) {
	Require(t, "kamailio", "kamailio")
	k := StartKamailio(t, KamailioOptions{Algorithm: "SHA-256", Users: []User{{"dave", "dave-pw"}}})
	dave := newTestUA(t, k, "dave", "udp", false)
	ch, res, err := dave.register(ctxTimeout(t), "dave-pw", 60)
	if err != nil {
		t.Fatalf("%v\n%s", err, k.Log())
	}
	if ch == nil || !strings.Contains(ch.GetHeader("WWW-Authenticate").Value(), "algorithm=SHA-256") {
		t.Fatalf("challenge %v: want algorithm=SHA-256", ch)
	}
	if res.StatusCode != 200 {
		t.Fatalf("SHA-256 register: %s\n%s", res.StartLine(), k.Log())
	}
	mustContacts(t, k, "dave", 1)

	_, res, err = dave.register(ctxTimeout(t), "wrong", 60)
	if err != nil || res.StatusCode < 300 {
		t.Fatalf("SHA-256 wrong password: %v %v", res, err)
	}
}

func TestKamailioMinExpires(t *testing.T) {
	Require(t, "kamailio", "kamailio")
	for _, reply := range []bool{false, true} {
		t.Run(fmt.Sprintf("reply=%v", reply), func(t *testing.T) {
			k := StartKamailio(t, KamailioOptions{MinExpires: 30, MaxExpires: 120, MinExpiresReply: reply})
			alice := newTestUA(t, k, "alice", "udp", false)
			_, res, err := alice.register(ctxTimeout(t), "alice-secret", 5)
			if err != nil {
				t.Fatal(err)
			}
			if reply {
				if res.StatusCode != 423 {
					t.Fatalf("Expires 5 < min 30: got %s, want 423", res.StartLine())
				}
				if h := res.GetHeader("Min-Expires"); h == nil || h.Value() != "30" {
					t.Fatalf("423 without Min-Expires: 30: %v", res)
				}
				mustContacts(t, k, "alice", 0)
				return
			}
			if res.StatusCode != 200 {
				t.Fatalf("Expires 5 < min 30: got %s, want 200", res.StartLine())
			}
			if c := res.GetHeader("Contact"); c == nil || !strings.Contains(c.Value(), "expires=30") {
				t.Fatalf("200 OK contact %v: want expires=30", c)
			}
			// Too long is capped at max_expires.
			_, res, err = alice.register(ctxTimeout(t), "alice-secret", 7200)
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("%v %v", res, err)
			}
			if c := res.GetHeader("Contact"); c == nil || !strings.Contains(c.Value(), "expires=120") {
				t.Fatalf("200 OK contact %v: want expires=120", c)
			}
		})
	}
}

package secure

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/pion/dtls/v4"
	"github.com/pion/dtls/v4/pkg/protocol"
	"github.com/pion/srtp/v3"
)

// pinnedConn is a loopback UDP socket presented as a net.Conn to one peer.
type pinnedConn struct {
	*net.UDPConn
	peer *net.UDPAddr
}

func (p pinnedConn) Read(b []byte) (int, error) {
	for {
		n, from, err := p.ReadFromUDP(b)
		if err != nil || from.String() == p.peer.String() {
			return n, err
		}
	}
}

func (p pinnedConn) Write(b []byte) (int, error) { return p.WriteToUDP(b, p.peer) }
func (p pinnedConn) RemoteAddr() net.Addr        { return p.peer }

func listenLoopback(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// connPair is two sockets that talk only to each other.
func connPair(t *testing.T) (a, b net.Conn) {
	ua, ub := listenLoopback(t), listenLoopback(t)
	return pinnedConn{ua, ub.LocalAddr().(*net.UDPAddr)}, pinnedConn{ub, ua.LocalAddr().(*net.UDPAddr)}
}

type handshakeResult struct {
	keys Keys
	sess *Session
	err  error
}

func handshakeAsync(ctx context.Context, conn net.Conn, cert *Certificate, remote Fingerprint, client bool) <-chan handshakeResult {
	ch := make(chan handshakeResult, 1)
	go func() {
		k, s, err := Handshake(ctx, conn, cert, remote, client, nil)
		ch <- handshakeResult{k, s, err}
	}()
	return ch
}

func newCert(t *testing.T) *Certificate {
	t.Helper()
	c, err := NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHandshake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ca, cb := newCert(t), newCert(t)
	a, b := connPair(t)
	client := handshakeAsync(ctx, a, ca, cb.Fingerprint(), true)
	server := handshakeAsync(ctx, b, cb, ca.Fingerprint(), false)
	rc, rs := <-client, <-server
	if rc.err != nil || rs.err != nil {
		t.Fatalf("client: %v; server: %v", rc.err, rs.err)
	}
	defer rc.sess.Close()
	defer rs.sess.Close()

	if st, _ := rc.sess.conn.ConnectionState(); st.NegotiatedVersion() != protocol.Version1_2 {
		t.Fatalf("negotiated %v, want DTLS 1.2", st.NegotiatedVersion())
	}
	kc, ks := rc.keys, rs.keys
	if kc.Profile != srtp.ProtectionProfileAes128CmHmacSha1_80 || ks.Profile != kc.Profile {
		t.Fatalf("profiles %v / %v", kc.Profile, ks.Profile)
	}
	if rc.sess.Profile() != "SRTP_AES128_CM_HMAC_SHA1_80" || rs.sess.Profile() != rc.sess.Profile() {
		t.Fatalf("Profile() %q / %q", rc.sess.Profile(), rs.sess.Profile())
	}
	if len(kc.LocalKey) != 16 || len(kc.LocalSalt) != 14 {
		t.Fatalf("key %d, salt %d bytes", len(kc.LocalKey), len(kc.LocalSalt))
	}
	if !bytes.Equal(kc.LocalKey, ks.RemoteKey) || !bytes.Equal(kc.LocalSalt, ks.RemoteSalt) ||
		!bytes.Equal(kc.RemoteKey, ks.LocalKey) || !bytes.Equal(kc.RemoteSalt, ks.LocalSalt) {
		t.Fatal("client and server keys do not pair up")
	}
	if bytes.Equal(kc.LocalKey, kc.RemoteKey) {
		t.Fatal("both directions share a key")
	}

	// The keys work in two stages.
	ia, ib := newUDPTransport(t), newUDPTransport(t)
	sa, sb := NewStage(ia, nil), NewStage(ib, nil)
	if err := sa.SetKeys(kc); err != nil {
		t.Fatal(err)
	}
	if err := sb.SetKeys(ks); err != nil {
		t.Fatal(err)
	}
	checkOneWay(t, AES128SHA1_80, sa, sb, ib)
	checkOneWay(t, AES128SHA1_80, sb, sa, ia)
}

// A peer that offers only GCM gets GCM from our server, and both sides
// derive the same keys (pion's own client as the peer).
func TestHandshakeGCMPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ours, theirs := newCert(t), newCert(t)
	a, b := connPair(t)
	server := handshakeAsync(ctx, b, ours, theirs.Fingerprint(), false)
	peer, err := dtls.Client(packetConn{a}, a.RemoteAddr(),
		dtls.WithCertificates(theirs.tls),
		dtls.WithInsecureSkipVerify(true),
		dtls.WithSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_128_GCM))
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if err := peer.HandshakeContext(ctx); err != nil {
		t.Fatal(err)
	}
	rs := <-server
	if rs.err != nil {
		t.Fatal(rs.err)
	}
	defer rs.sess.Close()
	if rs.keys.Profile != srtp.ProtectionProfileAeadAes128Gcm {
		t.Fatalf("profile %v", rs.keys.Profile)
	}
	state, _ := peer.ConnectionState()
	cfg := srtp.Config{Profile: srtp.ProtectionProfileAeadAes128Gcm}
	if err := cfg.ExtractSessionKeysFromDTLS(&state, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(cfg.Keys.LocalMasterKey, rs.keys.RemoteKey) || !bytes.Equal(cfg.Keys.RemoteMasterSalt, rs.keys.LocalSalt) {
		t.Fatal("keys differ from the peer's")
	}
}

func TestHandshakeWrongFingerprint(t *testing.T) {
	for _, clientChecks := range []bool{true, false} {
		name := map[bool]string{true: "client refuses", false: "server refuses"}[clientChecks]
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ca, cb, stranger := newCert(t), newCert(t), newCert(t)
			a, b := connPair(t)
			wantB, wantA := cb.Fingerprint(), ca.Fingerprint()
			if clientChecks {
				wantB = stranger.Fingerprint()
			} else {
				wantA = stranger.Fingerprint()
			}
			client := handshakeAsync(ctx, a, ca, wantB, true)
			server := handshakeAsync(ctx, b, cb, wantA, false)
			refuser, other := client, server
			if !clientChecks {
				refuser, other = server, client
			}
			r := <-refuser
			if !errors.Is(r.err, ErrFingerprintMismatch) {
				t.Fatalf("refusing side: %v", r.err)
			}
			cancel() // the other side may wait for a flight that never comes
			if o := <-other; o.err == nil {
				o.sess.Close()
				t.Fatal("the other side completed a refused handshake")
			}
		})
	}
}

func TestHandshakeCancel(t *testing.T) {
	for _, client := range []bool{true, false} {
		t.Run(map[bool]string{true: "client", false: "server"}[client], func(t *testing.T) {
			ours := listenLoopback(t)
			silent := listenLoopback(t) // reads nothing back: no peer
			conn := pinnedConn{ours, silent.LocalAddr().(*net.UDPAddr)}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res := handshakeAsync(ctx, conn, newCert(t), newCert(t).Fingerprint(), client)
			if client {
				// Cancel once the ClientHello is out: the handshake is under way.
				buf := make([]byte, 2048)
				silent.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, _, err := silent.ReadFromUDP(buf); err != nil {
					t.Fatalf("no ClientHello: %v", err)
				}
			}
			cancel()
			start := time.Now()
			select {
			case r := <-res:
				if !errors.Is(r.err, context.Canceled) {
					t.Fatalf("err %v, want context.Canceled", r.err)
				}
				if d := time.Since(start); d > time.Second {
					t.Fatalf("took %v to stop", d)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("handshake did not stop on cancel")
			}
		})
	}
}

func TestHandshakeRefusesBadInput(t *testing.T) {
	a, _ := connPair(t)
	if _, _, err := Handshake(context.Background(), a, newCert(t), Fingerprint{Hash: "md5", Value: []byte{1}}, true, nil); !errors.Is(err, ErrMalformedFingerprint) {
		t.Fatalf("md5 fingerprint: %v", err)
	}
}

package media

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// TestRTPReaderDrains checks the non-blocking drain: every waiting packet
// comes out in order with its own arrival time (the kernel's stamp, so a
// packet read late still reports when it came), then "none left", then the
// closed socket's error.
func TestRTPReaderDrains(t *testing.T) {
	t.Parallel()
	rx, err := listenRTP(netip.AddrPortFrom(loopback, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	tx, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	r := rx.reader()
	buf := make([]byte, 1500)
	if _, _, _, ok, err := r.next(buf); ok || err != nil {
		t.Fatalf("empty socket: ok=%v err=%v, want nothing", ok, err)
	}
	to := netip.AddrPortFrom(loopback, uint16(rx.Port()))
	var sent []time.Time
	for i := range 3 {
		sent = append(sent, time.Now())
		if _, err := tx.WriteToUDPAddrPort([]byte{byte(i), 1, 2, 3}, to); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond) // packets apart, for their arrival stamps
	}
	readAt := time.Now()
	for i := range 3 {
		n, from, at, ok, err := r.next(buf)
		if !ok || err != nil {
			t.Fatalf("packet %d: ok=%v err=%v", i, ok, err)
		}
		if !bytes.Equal(buf[:n], []byte{byte(i), 1, 2, 3}) || from != tx.LocalAddr().(*net.UDPAddr).AddrPort() {
			t.Errorf("packet %d: % x from %v", i, buf[:n], from)
		}
		if runtime.GOOS == "linux" {
			// Stamped on arrival: close to when it was sent, not when read.
			if d := at.Sub(sent[i]); d < 0 || d > 15*time.Millisecond {
				t.Errorf("packet %d: arrival %v after sending (read %v after), want the kernel's stamp", i, d, readAt.Sub(sent[i]))
			}
		}
	}
	if _, _, _, ok, err := r.next(buf); ok || err != nil {
		t.Fatalf("drained socket: ok=%v err=%v, want nothing", ok, err)
	}
	rx.Close()
	if _, _, _, ok, err := r.next(buf); ok || !errors.Is(err, net.ErrClosed) {
		t.Fatalf("closed socket: ok=%v err=%v, want net.ErrClosed", ok, err)
	}
}

// TestRTPWriterFamilies sends from IPv4, IPv6 and dual-stack sockets.
func TestRTPWriterFamilies(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, from, to string }{
		{"ipv4", "127.0.0.1:0", "127.0.0.1"},
		{"ipv6", "[::1]:0", "::1"},
		{"dual stack to ipv4", "[::]:0", "127.0.0.1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src, err := listenRTP(netip.MustParseAddrPort(c.from))
			if err != nil {
				t.Skipf("no such socket here: %v", err)
			}
			defer src.Close()
			dst, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(c.to), 0)))
			if err != nil {
				t.Fatal(err)
			}
			defer dst.Close()
			to := netip.AddrPortFrom(netip.MustParseAddr(c.to), dst.LocalAddr().(*net.UDPAddr).AddrPort().Port())
			if err := src.send([]byte("rtp"), to); err != nil {
				t.Fatal(err)
			}
			_ = dst.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 16)
			n, from, err := dst.ReadFromUDPAddrPort(buf)
			if err != nil || string(buf[:n]) != "rtp" || int(from.Port()) != src.Port() {
				t.Fatalf("got %q from %v, err %v", buf[:n], from, err)
			}
		})
	}
}

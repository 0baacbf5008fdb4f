package secure

import (
	"bytes"
	"errors"
	"net"
	"testing"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
)

func rtpPacket(t testing.TB, seq uint16, payload []byte) []byte {
	t.Helper()
	p := rtp.Packet{
		Header:  rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq, Timestamp: uint32(seq) * 160, SSRC: 0x1234abcd},
		Payload: payload,
	}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func rtcpPacket(t testing.TB, ssrc uint32, jitter uint32) []byte {
	t.Helper()
	b, err := rtcp.Marshal([]rtcp.Packet{&rtcp.ReceiverReport{
		SSRC:    ssrc,
		Reports: []rtcp.ReceptionReport{{SSRC: 0x1234abcd, Jitter: jitter, LastSequenceNumber: 77}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*7)
	}
	return b
}

// sdesPair keys two stages for suite as an SDES offer/answer would.
func sdesPair(t *testing.T, suite Suite) (a, b *Stage, ia, ib *udpTransport) {
	t.Helper()
	offer, err := NewCrypto(1, suite)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseCrypto(offer.String())
	if err != nil {
		t.Fatal(err)
	}
	remote, answer, err := Choose([]Crypto{parsed})
	if err != nil {
		t.Fatal(err)
	}
	ka, err := SDESKeys(offer, answer)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := SDESKeys(answer, remote)
	if err != nil {
		t.Fatal(err)
	}
	ia, ib = newUDPTransport(t), newUDPTransport(t)
	a, b = NewStage(ia, nil), NewStage(ib, nil)
	if err := a.SetKeys(ka); err != nil {
		t.Fatal(err)
	}
	if err := b.SetKeys(kb); err != nil {
		t.Fatal(err)
	}
	return a, b, ia, ib
}

// tagLens are what each suite adds to an RTP and to an RTCP packet (the
// latter including the 4-byte SRTCP index).
var tagLens = map[Suite][2]int{
	AES128SHA1_80: {10, 14},
	AES128SHA1_32: {4, 14},
	AES256SHA1_80: {10, 14},
	AEADAES128GCM: {16, 20},
}

func TestStageExchange(t *testing.T) {
	for _, suite := range OfferSuites() {
		t.Run(string(suite), func(t *testing.T) {
			a, b, ia, ib := sdesPair(t, suite)
			t.Run("a to b", func(t *testing.T) { checkOneWay(t, suite, a, b, ib) })
			t.Run("b to a", func(t *testing.T) { checkOneWay(t, suite, b, a, ia) })
		})
	}
}

func checkOneWay(t *testing.T, suite Suite, from, to *Stage, toInner *udpTransport) {
	buf := make([]byte, 1500)
	dst := toInner.addr()

	// RTP: encrypted on the wire, clear out of NextRTP.
	plain := rtpPacket(t, 1000, pattern(160, 1))
	if err := from.SendRTP(plain, dst); err != nil {
		t.Fatal(err)
	}
	wire := take(t, toInner.rtp)
	if len(wire) != len(plain)+tagLens[suite][0] {
		t.Fatalf("wire packet %d bytes, want %d", len(wire), len(plain)+tagLens[suite][0])
	}
	if !bytes.Equal(wire[:12], plain[:12]) || bytes.Equal(wire[12:len(plain)], plain[12:]) {
		t.Fatal("wire packet: header changed or payload in the clear")
	}
	inject(toInner.rtp, wire)
	n, _, _, ok, err := to.NextRTP(buf)
	if err != nil || !ok || !bytes.Equal(buf[:n], plain) {
		t.Fatalf("NextRTP = %d, %v, %v; payload equal %v", n, ok, err, bytes.Equal(buf[:n], plain))
	}

	// A replay is dropped and counted.
	drops := to.Dropped()
	inject(toInner.rtp, wire)
	if _, _, _, ok, err := to.NextRTP(buf); ok || err != nil {
		t.Fatalf("replayed packet: ok %v err %v", ok, err)
	}
	if to.Dropped() != drops+1 {
		t.Fatalf("dropped %d, want %d", to.Dropped(), drops+1)
	}

	// A tampered packet is dropped; the genuine one still passes after it.
	plain2 := rtpPacket(t, 1001, pattern(160, 2))
	if err := from.SendRTP(plain2, dst); err != nil {
		t.Fatal(err)
	}
	wire2 := take(t, toInner.rtp)
	bad := append([]byte(nil), wire2...)
	bad[20] ^= 0x01
	inject(toInner.rtp, bad)
	if _, _, _, ok, _ := to.NextRTP(buf); ok {
		t.Fatal("tampered packet accepted")
	}
	if to.Dropped() != drops+2 {
		t.Fatalf("dropped %d, want %d", to.Dropped(), drops+2)
	}
	inject(toInner.rtp, bad)
	inject(toInner.rtp, wire2)
	n, _, _, ok, _ = to.NextRTP(buf) // skips the bad one, returns the good
	if !ok || !bytes.Equal(buf[:n], plain2) {
		t.Fatal("genuine packet after a tampered one not delivered")
	}
	if to.Dropped() != drops+3 {
		t.Fatalf("dropped %d, want %d", to.Dropped(), drops+3)
	}

	// RTCP: encrypted on the wire, clear out of ReadRTCP.
	rr := rtcpPacket(t, 0x55, 9)
	if err := from.SendRTCP(rr, dst); err != nil {
		t.Fatal(err)
	}
	wireRR := take(t, toInner.rtcp)
	if len(wireRR) != len(rr)+tagLens[suite][1] {
		t.Fatalf("wire RTCP %d bytes, want %d", len(wireRR), len(rr)+tagLens[suite][1])
	}
	if !bytes.Equal(wireRR[:8], rr[:8]) || bytes.Equal(wireRR[8:len(rr)], rr[8:]) {
		t.Fatal("wire RTCP: header changed or body in the clear")
	}
	inject(toInner.rtcp, wireRR)
	n, err = to.ReadRTCP(buf)
	if err != nil || !bytes.Equal(buf[:n], rr) {
		t.Fatalf("ReadRTCP = %d, %v", n, err)
	}

	// Replayed and tampered RTCP are skipped: ReadRTCP returns the next
	// genuine one, straight off the socket this time.
	drops = to.Dropped()
	inject(toInner.rtcp, wireRR)
	badRR := append([]byte(nil), wireRR...)
	badRR[10] ^= 0x80
	inject(toInner.rtcp, badRR)
	rr2 := rtcpPacket(t, 0x55, 10)
	if err := from.SendRTCP(rr2, dst); err != nil {
		t.Fatal(err)
	}
	n, err = to.ReadRTCP(buf)
	if err != nil || !bytes.Equal(buf[:n], rr2) {
		t.Fatalf("ReadRTCP after replay = %d, %v", n, err)
	}
	if to.Dropped() != drops+2 {
		t.Fatalf("dropped %d, want %d", to.Dropped(), drops+2)
	}
}

func TestStageBeforeKeys(t *testing.T) {
	ia, ib := newUDPTransport(t), newUDPTransport(t)
	a, b := NewStage(ia, nil), NewStage(ib, nil)
	if a.Keyed() {
		t.Fatal("keyed before SetKeys")
	}
	// Nothing goes out: the marker sent in the clear after is what arrives first.
	if err := a.SendRTP(rtpPacket(t, 1, pattern(160, 3)), ib.addr()); err != nil {
		t.Fatal(err)
	}
	if err := a.SendRTCP(rtcpPacket(t, 1, 1), ib.addr()); err != nil {
		t.Fatal(err)
	}
	marker := rtpPacket(t, 99, []byte("marker"))
	if err := ia.SendRTP(marker, ib.addr()); err != nil {
		t.Fatal(err)
	}
	if got := take(t, ib.rtp); !bytes.Equal(got, marker) {
		t.Fatal("an unkeyed stage sent RTP")
	}
	if len(ib.rtcp) != 0 {
		t.Fatal("an unkeyed stage sent RTCP")
	}
	// What arrives is dropped and counted.
	inject(ib.rtp, marker)
	buf := make([]byte, 1500)
	if _, _, _, ok, err := b.NextRTP(buf); ok || err != nil {
		t.Fatalf("unkeyed NextRTP: ok %v err %v", ok, err)
	}
	if b.Dropped() != 1 {
		t.Fatalf("dropped %d, want 1", b.Dropped())
	}
}

func TestStageClose(t *testing.T) {
	ia := newUDPTransport(t)
	a := NewStage(ia, nil)
	done := make(chan error, 1)
	go func() {
		_, err := a.ReadRTCP(make([]byte, 1500))
		done <- err
	}()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadRTCP after Close: %v", err)
	}
	if _, _, _, _, err := a.NextRTP(make([]byte, 1500)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("NextRTP after Close: %v", err)
	}
}

func TestSetKeysRefusesBadSizes(t *testing.T) {
	c, _ := NewCrypto(1, AES128SHA1_80)
	k, err := SDESKeys(c, c)
	if err != nil {
		t.Fatal(err)
	}
	k.LocalSalt = k.LocalSalt[:4]
	s := NewStage(newUDPTransport(t), nil)
	if err := s.SetKeys(k); err == nil {
		t.Fatal("short salt accepted")
	}
	if s.Keyed() {
		t.Fatal("keyed after a refused SetKeys")
	}
}

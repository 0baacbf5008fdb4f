package media

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDTMFEventRoundTrip(t *testing.T) {
	for code := range uint8(16) {
		for _, e := range []DTMFEvent{
			{Event: code, Volume: 10, Duration: 160},
			{Event: code, End: true, Volume: 63, Duration: 0xffff},
			{Event: code},
		} {
			p, err := EncodeDTMFEvent(nil, e)
			if err != nil || len(p) != 4 {
				t.Fatalf("encode %+v: %x, %v", e, p, err)
			}
			got, err := DecodeDTMFEvent(p)
			if err != nil || got != e {
				t.Fatalf("decode %x: %+v, %v; want %+v", p, got, err, e)
			}
		}
	}
	// RFC 4733 figure: event 5, E set, volume 10, duration 800.
	p, _ := EncodeDTMFEvent(nil, DTMFEvent{Event: 5, End: true, Volume: 10, Duration: 800})
	if want := []byte{0x05, 0x8a, 0x03, 0x20}; string(p) != string(want) {
		t.Errorf("wire %x, want %x", p, want)
	}
	// The reserved bit is ignored on receipt.
	if e, err := DecodeDTMFEvent([]byte{0x0b, 0x4a, 0x00, 0xa0}); err != nil || e.Volume != 10 || e.End || e.Event != 11 {
		t.Errorf("R bit set: %+v, %v", e, err)
	}
}

func TestDTMFEventInvalid(t *testing.T) {
	for _, p := range [][]byte{nil, {}, {1}, {1, 2, 3}, {1, 2, 3, 4, 5}, make([]byte, 8), make([]byte, 1500)} {
		if _, err := DecodeDTMFEvent(p); !errors.Is(err, ErrDTMFPayload) {
			t.Errorf("%d bytes: %v, want ErrDTMFPayload", len(p), err)
		}
	}
	for _, ev := range []byte{16, 32, 100, 255} { // flash, fax tones…: not DTMF
		if _, err := DecodeDTMFEvent([]byte{ev, 10, 0, 160}); !errors.Is(err, ErrDTMFEvent) {
			t.Errorf("event %d: %v, want ErrDTMFEvent", ev, err)
		}
	}
	if _, err := EncodeDTMFEvent(nil, DTMFEvent{Event: 16}); !errors.Is(err, ErrDTMFEvent) {
		t.Errorf("encode event 16: %v", err)
	}
	if _, err := EncodeDTMFEvent(nil, DTMFEvent{Event: 1, Volume: 64}); !errors.Is(err, ErrDTMFPayload) {
		t.Errorf("encode volume 64: %v", err)
	}
}

func TestDTMFDigits(t *testing.T) {
	for i, d := range "0123456789*#ABCD" {
		code, err := DTMFEventCode(d)
		if err != nil || int(code) != i {
			t.Errorf("%q: %d, %v", d, code, err)
		}
		if back, err := DTMFEventDigit(code); err != nil || back != d {
			t.Errorf("%d: %q, %v", code, back, err)
		}
	}
	if code, err := DTMFEventCode('c'); err != nil || code != 14 {
		t.Errorf("lower case c: %d, %v", code, err)
	}
	for _, d := range "EeX ;\x00é" {
		if _, err := DTMFEventCode(d); !errors.Is(err, ErrDTMFDigit) {
			t.Errorf("%q: %v", d, err)
		}
	}
}

func TestDTMFTonePackets(t *testing.T) {
	pkts, err := DTMFTone{Digit: '#', Start: 1234, Step: 160}.Packets()
	if err != nil {
		t.Fatal(err)
	}
	// 100 ms at 8 kHz = 800 units: updates at 160..640, then the end ×3.
	wantDur := []uint16{160, 320, 480, 640, 800, 800, 800}
	if len(pkts) != len(wantDur) {
		t.Fatalf("%d packets, want %d", len(pkts), len(wantDur))
	}
	for i, p := range pkts {
		e, err := DecodeDTMFEvent(p.Payload[:])
		if err != nil {
			t.Fatal(err)
		}
		end := i >= len(wantDur)-3
		if p.TS != 1234 || p.Marker != (i == 0) || e.Event != 11 || e.Volume != 10 || e.Duration != wantDur[i] || e.End != end {
			t.Errorf("packet %d: %+v %+v", i, p, e)
		}
	}
	// Opus clock, 40 ms tone, 20 ms frames, louder.
	pkts, err = DTMFTone{Digit: '1', Step: 960, ClockRate: 48000, Duration: 40 * time.Millisecond, Volume: 3}.Packets()
	if err != nil || len(pkts) != 4 {
		t.Fatalf("48 kHz: %d packets, %v", len(pkts), err)
	}
	if e, _ := DecodeDTMFEvent(pkts[3].Payload[:]); e.Duration != 1920 || e.Volume != 3 || !e.End {
		t.Errorf("48 kHz end %+v", e)
	}
	// A tone shorter than a frame: only the end packets, the first marked.
	pkts, _ = DTMFTone{Digit: '2', Step: 160, Duration: 10 * time.Millisecond}.Packets()
	if len(pkts) != 3 || !pkts[0].Marker || pkts[1].Marker {
		t.Errorf("short tone %+v", pkts)
	}
	for _, bad := range []DTMFTone{
		{Digit: 'x', Step: 160},
		{Digit: '1'},
		{Digit: '1', Step: 160, Duration: 9 * time.Second},
		{Digit: '1', Step: 160, Volume: 64},
	} {
		if _, err := bad.Packets(); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// The send loop's helper: one packet per frame slot, then idle.
func TestDTMFSenderPacing(t *testing.T) {
	s := newDTMFSender(101, 160, 8000)
	if s.active() || s.next() != nil {
		t.Fatal("active before start")
	}
	s.start('7', 5000)
	var n int
	for s.active() {
		out := s.next()
		if len(out) != 1 || out[0].ts != 5000 || out[0].marker != (n == 0) {
			t.Fatalf("slot %d: %+v", n, out)
		}
		n++
	}
	if n != 7 {
		t.Errorf("%d slots, want 7", n)
	}
}

// dtmfRx is a packet as the receiver gets it.
type dtmfRx struct {
	ts      uint32
	payload []byte
}

// dtmfStream is the packets of a few tones, in order.
func dtmfStream(t *testing.T, digits string) []dtmfRx {
	var out []dtmfRx
	ts := uint32(1<<32 - 2000) // across the timestamp wrap
	for _, d := range digits {
		pkts, err := DTMFTone{Digit: d, Start: ts, Step: 160}.Packets()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			out = append(out, dtmfRx{p.TS, append([]byte(nil), p.Payload[:]...)})
		}
		ts += uint32(len(pkts)+5) * 160
	}
	return out
}

func receiveAll(r *DTMFReceiver, pkts []dtmfRx) (string, error) {
	var got []rune
	for _, p := range pkts {
		d, ok, err := r.Receive(p.ts, p.payload)
		if err != nil {
			return string(got), err
		}
		if ok {
			got = append(got, d)
		}
	}
	return string(got), nil
}

func TestDTMFReceiver(t *testing.T) {
	const digits = "123*#0ABCD9955"
	pkts := dtmfStream(t, digits)
	if got, err := receiveAll(NewDTMFReceiver(), pkts); got != digits || err != nil {
		t.Errorf("clean stream: %q, %v", got, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		var lossy []dtmfRx
		for i, p := range pkts {
			// Lose packets at random (but not all of a tone: a tone that
			// never arrives cannot be reported), duplicate some.
			if rng.Float64() < 0.4 && i%7 != 6 {
				continue
			}
			lossy = append(lossy, p)
			if rng.Float64() < 0.1 {
				lossy = append(lossy, p)
			}
		}
		// Swap neighbours within a tone (tones are audio frames apart).
		for i := 1; i < len(lossy); i++ {
			if lossy[i-1].ts == lossy[i].ts && rng.Float64() < 0.3 {
				lossy[i-1], lossy[i] = lossy[i], lossy[i-1]
			}
		}
		if got, err := receiveAll(NewDTMFReceiver(), lossy); got != digits || err != nil {
			t.Fatalf("trial %d: %q, %v; want %q", trial, got, err, digits)
		}
	}
}

func TestDTMFReceiverFirstPacketsLost(t *testing.T) {
	pkts := dtmfStream(t, "5")
	r := NewDTMFReceiver()
	for i, p := range pkts[4:] { // only the three end packets arrive
		d, ok, err := r.Receive(p.ts, p.payload)
		if err != nil || ok != (i == 0) || (ok && d != '5') {
			t.Fatalf("end packet %d: %q %v %v", i, d, ok, err)
		}
	}
	// Stragglers of the same tone after its end: nothing new.
	if _, ok, _ := r.Receive(pkts[0].ts, pkts[0].payload); ok {
		t.Error("late start packet reported again")
	}
}

func TestDTMFReceiverLongTone(t *testing.T) {
	// RFC 4733 2.5.1.3: a tone over 65535 units goes on in a new segment.
	r := NewDTMFReceiver()
	seg := func(ts uint32, dur uint16, end bool) []byte {
		p, _ := EncodeDTMFEvent(nil, DTMFEvent{Event: 3, Duration: dur, End: end})
		return p
	}
	if _, ok, _ := r.Receive(100, seg(100, 0xffff, false)); !ok {
		t.Fatal("first segment not reported")
	}
	if _, ok, _ := r.Receive(100+0xffff, seg(0, 800, true)); ok {
		t.Error("second segment reported as a new key press")
	}
	if d, ok, _ := r.Receive(200000, seg(0, 160, false)); !ok || d != '3' {
		t.Error("a new press of the same key not reported")
	}
}

func TestDTMFReceiverGarbage(t *testing.T) {
	r := NewDTMFReceiver()
	for _, p := range [][]byte{nil, {1, 2}, {200, 10, 0, 160}, make([]byte, 12)} {
		if _, ok, err := r.Receive(1, p); ok || err == nil {
			t.Errorf("%x: ok %v err %v", p, ok, err)
		}
		if _, ok := r.packet(1, p); ok {
			t.Errorf("packet(%x) reported a digit", p)
		}
	}
}

func TestParseDTMFInfo(t *testing.T) {
	for _, tc := range []struct {
		ct, body string
		want     DTMFInfo
	}{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", DTMFInfo{'5', 160 * time.Millisecond}},
		{"application/dtmf-relay", "Signal=5\r\nDuration=160", DTMFInfo{'5', 160 * time.Millisecond}},
		{"Application/DTMF-Relay; charset=utf-8", "signal = #\nduration= 250\n", DTMFInfo{'#', 250 * time.Millisecond}},
		{"application/dtmf-relay", "Signal=*", DTMFInfo{Digit: '*'}},
		{"application/dtmf-relay", "Signal=11\r\nDuration=100", DTMFInfo{'#', 100 * time.Millisecond}},
		{"application/dtmf-relay", "Signal=d\r\nX-Vendor=1\r\n\r\n", DTMFInfo{Digit: 'D'}},
		{"application/dtmf", "5", DTMFInfo{Digit: '5'}},
		{"application/dtmf", " 0\r\n", DTMFInfo{Digit: '0'}},
		{"application/dtmf", "10", DTMFInfo{Digit: '*'}},
	} {
		got, err := ParseDTMFInfo(tc.ct, []byte(tc.body))
		if err != nil || got != tc.want {
			t.Errorf("%s %q: %+v, %v; want %+v", tc.ct, tc.body, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ ct, body string }{
		{"application/dtmf-relay", ""},
		{"application/dtmf-relay", "Duration=160"},
		{"application/dtmf-relay", "Signal=E"},
		{"application/dtmf-relay", "Signal=16"},
		{"application/dtmf-relay", "Signal=55"},
		{"application/dtmf-relay", "Signal=5\r\nDuration=-1"},
		{"application/dtmf-relay", "Signal=5\r\nDuration=abc"},
		{"application/dtmf-relay", "Signal=5\r\nDuration=99999999999"},
		{"application/dtmf-relay", "garbage"},
		{"application/dtmf", ""},
		{"application/dtmf", "12#"},
		{"text/plain", "5"},
		{"", "5"},
		{";;", "5"},
	} {
		if _, err := ParseDTMFInfo(tc.ct, []byte(tc.body)); !errors.Is(err, ErrDTMFInfo) {
			t.Errorf("%q %q: %v, want ErrDTMFInfo", tc.ct, tc.body, err)
		}
	}
}

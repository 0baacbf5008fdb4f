package codecs

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/softphone/softphone/core/codec"
)

// Fuzz input layout: byte 0 picks the codec (Default's order), byte 1 the
// PCM buffer (a ptime from frameTimes); then records of [op][length][payload]
// where op%3 is 0 decode, 1 conceal without, 2 conceal with the payload as
// the next packet (Opus FEC).
var frameTimes = []time.Duration{
	20 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 40 * time.Millisecond,
	60 * time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond, 120 * time.Millisecond,
}

const guard = 64 // samples past the buffer that must stay untouched

func decodeSeeds() [][]byte {
	var seeds [][]byte
	for ci, c := range Default() {
		for _, opts := range []codec.Options{{}, {FEC: true, PacketLossPerc: 20}, {DTX: true, Bitrate: 6000}} {
			enc, err := c.NewEncoder(opts)
			if err != nil {
				panic(err)
			}
			pcm := make([]int16, c.Info().FrameSamples(20*time.Millisecond))
			s := []byte{byte(ci), 0}
			for k := range 4 {
				for i := range pcm {
					pcm[i] = int16((i*(300+k*50))%16000 - 8000)
				}
				out := make([]byte, 1500)
				n, err := enc.Encode(pcm, out)
				if err != nil {
					panic(err)
				}
				op := byte(k % 3)
				s = append(s, op, byte(n>>8), byte(n))
				s = append(s, out[:n]...)
			}
			seeds = append(seeds, s)
		}
	}
	return seeds
}

// FuzzDecode feeds arbitrary payloads to each codec's decoder, with loss
// concealment and Opus FEC between them, into buffers of every ptime:
// no panic, never more samples than the buffer holds, nothing written
// past it, and the counts each codec promises (one sample per G.711 byte,
// two per G.722 byte, a full buffer from Conceal).
func FuzzDecode(f *testing.F) {
	for _, s := range decodeSeeds() {
		f.Add(s)
	}
	f.Add([]byte{0, 0})
	f.Add([]byte{0, 7, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 1, 0xfc})
	all := Default()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 {
			return
		}
		c := all[int(data[0])%len(all)]
		info := c.Info()
		size := info.FrameSamples(frameTimes[int(data[1])%len(frameTimes)])
		data = data[2:]
		dec, err := c.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		backing := make([]int16, size+guard)
		for len(data) >= 3 {
			op := data[0] % 3
			n := min(int(data[1])<<8|int(data[2]), len(data)-3)
			payload := data[3 : 3+n]
			data = data[3+n:]
			for i := size; i < len(backing); i++ {
				backing[i] = 0x5a5a
			}
			pcm := backing[:size]
			var got int
			switch op {
			case 0:
				got, err = dec.Decode(payload, pcm)
			case 1:
				got, err = dec.Conceal(nil, pcm)
			case 2:
				got, err = dec.Conceal(payload, pcm)
			}
			for i := size; i < len(backing); i++ {
				if backing[i] != 0x5a5a {
					t.Fatalf("%s op %d wrote past the %d-sample buffer (index %d)", info.Name, op, size, i)
				}
			}
			if got < 0 || got > size {
				t.Fatalf("%s op %d: %d samples into a %d-sample buffer", info.Name, op, got, size)
			}
			if err != nil {
				if got != 0 {
					t.Fatalf("%s op %d: %d samples with error %v", info.Name, op, got, err)
				}
				continue
			}
			switch {
			case op != 0 && got != size:
				t.Fatalf("%s conceal: %d samples, want the full %d", info.Name, got, size)
			case op == 0 && info.Name == "PCMU" || op == 0 && info.Name == "PCMA":
				if got != len(payload) {
					t.Fatalf("%s: %d samples from %d bytes", info.Name, got, len(payload))
				}
			case op == 0 && info.Name == "G722":
				if got != 2*len(payload) {
					t.Fatalf("G722: %d samples from %d bytes", got, len(payload))
				}
			}
		}
		// A buffer too small is refused, never overrun.
		if _, err := dec.Decode(make([]byte, 8), make([]int16, 1)); err == nil && info.Name != "opus" {
			t.Fatalf("%s decoded 8 bytes into 1 sample", info.Name)
		} else if err != nil && info.Name != "opus" && !errors.Is(err, io.ErrShortBuffer) {
			t.Fatalf("%s short buffer: %v", info.Name, err)
		}
	})
}

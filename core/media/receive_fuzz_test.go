package media

import (
	"encoding/binary"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/g711"
	"github.com/softphone/softphone/core/codec/g722"
	"github.com/softphone/softphone/core/codec/opus"
)

// Fuzz input layout: the first byte picks the codec; then records of
// [op][length, 2 bytes big endian][data]. The op's low bit says RTP (0)
// or compound RTCP (1); its upper bits are how many 5 ms steps pass
// before the record arrives. Each record is followed by one played frame,
// as the player's clock would take one.
const (
	fuzzOpRTP  = 0
	fuzzOpRTCP = 1
)

// fuzzCodecs are what the first byte of an input picks from.
func fuzzCodecs() []codec.Codec {
	return []codec.Codec{g711.PCMU(), g711.PCMA(), g722.New(), opus.New()}
}

type nopHandler struct{ digits int }

func (h *nopHandler) DTMF(rune)             { h.digits++ }
func (h *nopHandler) NoMedia(time.Duration) {}
func (h *nopHandler) DeviceError(error)     {}
func (h *nopHandler) Flowing(time.Time)     {}

func fuzzRecord(op byte, data []byte) []byte {
	out := []byte{op, 0, 0}
	binary.BigEndian.PutUint16(out[1:], uint16(len(data)))
	return append(out, data...)
}

func fuzzRTP(pt uint8, seq uint16, ts uint32, marker bool, payload []byte, mod func(*rtp.Packet)) []byte {
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq, Timestamp: ts, SSRC: 0x11223344, Marker: marker}, Payload: payload}
	if mod != nil {
		mod(&p)
	}
	b, err := p.Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

func fuzzRTCP(pkts ...rtcp.Packet) []byte {
	b, err := rtcp.Marshal(pkts)
	if err != nil {
		panic(err)
	}
	return b
}

// receiveSeeds are streams as peers send them: steady audio, DTMF events,
// padding, extensions and CSRCs, jumps, foreign payload types, reports.
func receiveSeeds() [][]byte {
	var seeds [][]byte
	for ci, c := range fuzzCodecs() {
		pt := c.Info().PayloadType
		step := uint32(c.Info().TimestampStep(20 * time.Millisecond))
		enc, err := c.NewEncoder(codec.Options{})
		if err != nil {
			panic(err)
		}
		pcm := make([]int16, c.Info().FrameSamples(20*time.Millisecond))
		for i := range pcm {
			pcm[i] = int16((i * 977) % 8000)
		}
		frame := make([]byte, 1500)
		n, err := enc.Encode(pcm, frame)
		if err != nil {
			panic(err)
		}
		frame = frame[:n]
		s := []byte{byte(ci)}
		for i := range 8 {
			s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, uint16(100+i), uint32(i)*step, i == 0, frame, nil))...)
		}
		seeds = append(seeds, s)

		// Reordered, duplicated, a sequence and timestamp jump, a new SSRC.
		s = []byte{byte(ci)}
		for _, k := range []int{0, 2, 1, 1, 5, 4000, 4001} {
			s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, uint16(65530+k), uint32(k)*step+0xfffff000, false, frame, nil))...)
		}
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, 7, 9, true, frame, func(p *rtp.Packet) { p.SSRC = 1 }))...)
		seeds = append(seeds, s)

		// Padding, a one-byte-header extension, CSRCs, an odd payload type.
		s = []byte{byte(ci)}
		s = append(s, fuzzRecord(2<<1|fuzzOpRTP, fuzzRTP(pt, 1, 0, true, frame, func(p *rtp.Packet) {
			p.Padding, p.PaddingSize = true, 4
		}))...)
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, 2, step, false, frame, func(p *rtp.Packet) {
			p.CSRC = []uint32{1, 2, 3}
			_ = p.SetExtension(1, []byte{0x30})
		}))...)
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, 3, 2*step, false, frame, func(p *rtp.Packet) {
			p.ExtensionProfile = 0x1000 // two-byte header form
			_ = p.SetExtension(3, []byte{1, 2, 3})
		}))...)
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(99, 4, 3*step, false, frame, nil))...)
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(pt, 5, 4*step, false, nil, nil))...)
		seeds = append(seeds, s)
	}

	// RFC 4733 events: digit 5 with updates and the three end packets,
	// between audio packets; then a malformed event.
	s := []byte{0}
	s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(0, 10, 0, false, make([]byte, 160), nil))...)
	for i, dur := range []uint16{160, 320, 480, 640, 640, 640} {
		end := byte(0)
		if i >= 3 {
			end = 0x80
		}
		ev := []byte{5, end | 10, byte(dur >> 8), byte(dur)}
		s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(101, uint16(11+i), 160, i == 0, ev, nil))...)
	}
	s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(101, 20, 1000, true, []byte{200, 0}, nil))...)
	seeds = append(seeds, s)

	// Reports: an SR with a block about us, an RR, SDES, BYE, and garbage.
	s = []byte{0}
	s = append(s, fuzzRecord(4<<1|fuzzOpRTP, fuzzRTP(0, 1, 0, true, make([]byte, 160), nil))...)
	s = append(s, fuzzRecord(1<<1|fuzzOpRTCP, fuzzRTCP(
		&rtcp.SenderReport{SSRC: 0x11223344, NTPTime: 0xe000000012345678, RTPTime: 160, PacketCount: 1, OctetCount: 160,
			Reports: []rtcp.ReceptionReport{{SSRC: 0, FractionLost: 12, TotalLost: 3, Jitter: 80, LastSenderReport: 0x12340000, Delay: 0x8000}}},
		&rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{Source: 0x11223344, Items: []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: "peer"}}}}},
	))...)
	s = append(s, fuzzRecord(1<<1|fuzzOpRTCP, fuzzRTCP(
		&rtcp.ReceiverReport{SSRC: 9, Reports: []rtcp.ReceptionReport{{SSRC: 0, FractionLost: 255, TotalLost: 0xffffff, Jitter: 0xffffffff, LastSenderReport: 0xffffffff, Delay: 0xffffffff}}},
		&rtcp.Goodbye{Sources: []uint32{0x11223344}, Reason: "bye"},
	))...)
	s = append(s, fuzzRecord(fuzzOpRTCP, []byte{0x81, 200, 0, 1, 0, 0})...)
	seeds = append(seeds, s)
	return seeds
}

// FuzzReceive drives a Session's receive side as its loops do: RTP
// through handleRTP into the jitter buffer and DTMF receiver, a frame
// played (decoded or concealed, resampled) after each packet, and RTCP
// through pion's Unmarshal into readRTCP and the next report. No panic,
// and every played frame is exactly one device period.
func FuzzReceive(f *testing.F) {
	for _, s := range receiveSeeds() {
		f.Add(s)
	}
	f.Add([]byte{})
	f.Add([]byte{3, 0, 0, 3, 0x80, 111, 0})
	codecs := fuzzCodecs()
	log := slog.New(slog.DiscardHandler)
	from := netip.MustParseAddrPort("198.18.0.2:4000")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		c := codecs[int(data[0])%len(codecs)]
		data = data[1:]
		dev := newToneDev(8000, 0)
		pt := c.Info().PayloadType
		s, err := NewSession(nil, dev, Config{
			Codec: c, SendPT: pt, RecvPT: pt, DTMFSendPT: 101, DTMFRecvPT: 101,
			Remote: netip.MustParseAddrPort("198.18.0.2:4002"), Log: log,
		}, &nopHandler{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := newPlayer(s)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Unix(1_700_000_000, 0)
		for len(data) >= 3 {
			op := data[0]
			n := int(binary.BigEndian.Uint16(data[1:3]))
			data = data[3:]
			n = min(n, len(data))
			rec := data[:n]
			data = data[n:]
			now = now.Add(time.Duration(op>>1) * 5 * time.Millisecond)
			if op&1 == fuzzOpRTP {
				if len(rec) > len(p.in.buf) {
					rec = rec[:len(p.in.buf)] // the socket reads at most this much
				}
				s.handleRTP(&p.in, rec, from, now)
			} else {
				if pkts, err := rtcp.Unmarshal(rec); err == nil {
					s.readRTCP(pkts, now)
				}
				if _, err := rtcp.Marshal(s.report(now)); err != nil {
					t.Fatalf("our report does not marshal: %v", err)
				}
			}
			p.mu.Lock()
			out := p.frame(now)
			p.mu.Unlock()
			if len(out) != len(p.devBuf) {
				t.Fatalf("played %d samples, the device period is %d", len(out), len(p.devBuf))
			}
		}
		_ = s.Stats()
	})
}

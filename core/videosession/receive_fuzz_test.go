package videosession

import (
	"encoding/binary"
	"image"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/softphone/softphone/core/video"
)

// Fuzz input layout: byte 0 picks the payload format (bit 0: VP8 or
// H264) and whether the far end takes NACK (bit 1); then records of
// [op][length, 2 bytes big endian][data], op bit 0 RTP (0) or compound
// RTCP (1), its upper bits the 1 ms steps that pass before the record.
// After each record the receive loop assembles, as its ticker does.

func fuzzVideoRecord(op byte, data []byte) []byte {
	out := []byte{op, 0, 0}
	binary.BigEndian.PutUint16(out[1:], uint16(len(data)))
	return append(out, data...)
}

// fuzzVideoFrame is an encoded frame as the payload format carries it:
// a VP8 frame tag (key or delta), or Annex-B H.264 (SPS, PPS and IDR for a
// key frame, a non-IDR slice otherwise) of about size bytes.
func fuzzVideoFrame(name string, key bool, size int) []byte {
	if name == "H264" {
		var f []byte
		if key {
			f = append(f, 0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x1e, 0xd9)
			f = append(f, 0, 0, 0, 1, 0x68, 0xce, 0x3c, 0x80)
			f = append(f, 0, 0, 0, 1, 0x65)
		} else {
			f = append(f, 0, 0, 0, 1, 0x41)
		}
		for i := 0; i < size; i++ {
			f = append(f, byte(i%250+1))
		}
		return f
	}
	f := make([]byte, size)
	f[0] = 0x10 // show frame, key
	if !key {
		f[0] |= 1
	}
	for i := 3; i < size; i++ {
		f[i] = byte(i)
	}
	return f
}

// fuzzVideoPackets packetizes frame with our own sender's packetizer
// into RTP packets from seq on.
func fuzzVideoPackets(name string, frame []byte, seq uint16, ts, ssrc uint32) [][]byte {
	pk, _, err := payloadFormat(name)
	if err != nil {
		panic(err)
	}
	var pkts [][]byte
	pk.begin(frame)
	for {
		p := make([]byte, rtpBufLen)
		n, last := pk.next(p[rtpHeaderLen : rtpHeaderLen+maxPayload])
		p[0], p[1] = 0x80, 96
		if last {
			p[1] |= 0x80
		}
		binary.BigEndian.PutUint16(p[2:], seq)
		binary.BigEndian.PutUint32(p[4:], ts)
		binary.BigEndian.PutUint32(p[8:], ssrc)
		pkts = append(pkts, p[:rtpHeaderLen+n])
		seq++
		if last {
			return pkts
		}
	}
}

func fuzzVideoRTCP(pkts ...rtcp.Packet) []byte {
	b, err := rtcp.Marshal(pkts)
	if err != nil {
		panic(err)
	}
	return b
}

func videoReceiveSeeds() [][]byte {
	var seeds [][]byte
	for fi, name := range []string{"VP8", "H264"} {
		// A key frame in three packets, two deltas; the second delta
		// reordered and one of its packets repeated.
		s := []byte{byte(fi) | 2}
		seq := uint16(65000)
		for k, size := range []int{3000, 500, 2500} {
			pkts := fuzzVideoPackets(name, fuzzVideoFrame(name, k == 0, size), seq, uint32(k)*3000, 0xabcdef)
			seq += uint16(len(pkts))
			if k == 2 {
				pkts[0], pkts[1] = pkts[1], pkts[0]
				pkts = append(pkts, pkts[0])
			}
			for _, p := range pkts {
				s = append(s, fuzzVideoRecord(5<<1, p)...)
			}
		}
		seeds = append(seeds, s)

		// A lost packet: the gap waits, NACKs, gives up, asks for a key
		// frame; then the far end changes SSRC and sends one.
		s = []byte{byte(fi) | 2}
		pkts := fuzzVideoPackets(name, fuzzVideoFrame(name, true, 4000), 10, 0, 7)
		for i, p := range pkts {
			if i != 1 {
				s = append(s, fuzzVideoRecord(10<<1, p)...)
			}
		}
		s = append(s, fuzzVideoRecord(127<<1, nil)...)
		for _, p := range fuzzVideoPackets(name, fuzzVideoFrame(name, true, 100), 40000, 90000, 8) {
			s = append(s, fuzzVideoRecord(33<<1, p)...)
		}
		seeds = append(seeds, s)
	}

	// The far end's reports and feedback: SR, RR, PLI, FIR, NACK, REMB.
	s := []byte{0}
	for _, p := range fuzzVideoPackets("VP8", fuzzVideoFrame("VP8", true, 200), 1, 0, 99) {
		s = append(s, fuzzVideoRecord(1<<1, p)...)
	}
	s = append(s, fuzzVideoRecord(1<<1|1, fuzzVideoRTCP(
		&rtcp.SenderReport{SSRC: 99, NTPTime: 0xe000000012345678, RTPTime: 3000, PacketCount: 1, OctetCount: 200},
		&rtcp.ReceiverReport{SSRC: 99, Reports: []rtcp.ReceptionReport{{SSRC: 0, FractionLost: 40, TotalLost: 9, LastSenderReport: 1, Delay: 2}}},
	))...)
	s = append(s, fuzzVideoRecord(1<<1|1, fuzzVideoRTCP(
		&rtcp.PictureLossIndication{SenderSSRC: 99, MediaSSRC: 0},
		&rtcp.FullIntraRequest{SenderSSRC: 99, FIR: []rtcp.FIREntry{{SSRC: 0, SequenceNumber: 1}}},
		&rtcp.TransportLayerNack{SenderSSRC: 99, MediaSSRC: 0, Nacks: []rtcp.NackPair{{PacketID: 3, LostPackets: 0xffff}}},
		&rtcp.ReceiverEstimatedMaximumBitrate{SenderSSRC: 99, Bitrate: 1e9, SSRCs: []uint32{0}},
	))...)
	seeds = append(seeds, s)
	return seeds
}

// FuzzVideoReceive feeds arbitrary RTP and RTCP to a video Session's
// receive side: our header parser, reorder buffer, depacketizers and
// frame assembly (to a decoder that takes anything), and the feedback
// handling. No panic; the statistics stay consistent.
func FuzzVideoReceive(f *testing.F) {
	for _, s := range videoReceiveSeeds() {
		f.Add(s)
	}
	f.Add([]byte{1})
	f.Add([]byte{0, 0, 0, 12, 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})
	log := slog.New(slog.DiscardHandler)
	img := image.NewYCbCr(image.Rect(0, 0, 16, 16), image.YCbCrSubsampleRatio420)
	from := netip.MustParseAddrPort("198.18.0.2:5000")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		name := []string{"VP8", "H264"}[data[0]&1]
		c := video.Codec{
			Name:       name,
			NewEncoder: func(video.EncoderConfig) (video.Encoder, error) { return nil, nil },
			NewDecoder: func() (video.Decoder, error) { return nopDecoder{img}, nil },
		}
		s, err := New(nopTransport{}, Config{
			Codec: c, SendPT: 96, RecvPT: 96, RemoteFeed: &video.Feed{}, Log: log,
			Remote:   netip.MustParseAddrPort("198.18.0.2:5002"),
			Feedback: Feedback{NACK: data[0]&2 != 0, PLI: true, FIR: true, REMB: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := newReceiver(s)
		if err != nil {
			t.Fatal(err)
		}
		data = data[1:]
		now := time.Unix(1_700_000_000, 0)
		for len(data) >= 3 {
			op := data[0]
			n := min(int(binary.BigEndian.Uint16(data[1:3])), len(data)-3)
			rec := data[3 : 3+n]
			data = data[3+n:]
			now = now.Add(time.Duration(op>>1) * time.Millisecond)
			if op&1 == 0 {
				if len(rec) > rtpBufLen {
					rec = rec[:rtpBufLen] // the socket reads at most this much
				}
				r.packet(rec, from, now)
			} else if pkts, err := rtcp.Unmarshal(rec); err == nil {
				s.handleRTCP(pkts, now)
			}
			r.assemble(now)
			if _, err := rtcp.Marshal(s.report(now, true)); err != nil {
				t.Fatalf("our report does not marshal: %v", err)
			}
		}
		if dec, got := s.st.framesDecoded.Load(), s.st.framesReceived.Load(); dec > got {
			t.Fatalf("decoded %d frames of %d received", dec, got)
		}
	})
}

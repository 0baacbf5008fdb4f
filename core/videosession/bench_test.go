package videosession

import (
	"encoding/binary"
	"image"
	"net/netip"
	"testing"
	"time"

	"github.com/softphone/softphone/core/video"
)

// nopTransport discards what is sent and has nothing to read.
type nopTransport struct{}

func (nopTransport) SendRTP([]byte, netip.AddrPort) error { return nil }
func (nopTransport) NextRTP([]byte) (int, netip.AddrPort, time.Time, bool, error) {
	return 0, netip.AddrPort{}, time.Time{}, false, nil
}
func (nopTransport) SendRTCP([]byte, netip.AddrPort) error { return nil }
func (nopTransport) ReadRTCP([]byte) (int, error)          { select {} }
func (nopTransport) Close() error                          { return nil }

// nopDecoder "decodes" every frame into the same picture.
type nopDecoder struct{ img *image.YCbCr }

func (d nopDecoder) Decode([]byte) (*image.YCbCr, error) { return d.img, nil }
func (nopDecoder) Close() error                          { return nil }

func benchSession(b *testing.B, name string) *Session {
	c := fakeCodec(name)
	img := image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420)
	c.NewDecoder = func() (video.Decoder, error) { return nopDecoder{img}, nil }
	s, err := New(nopTransport{}, Config{Codec: c, SendPT: 96, RecvPT: 96, RemoteFeed: &video.Feed{}})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchFrame is an encoded frame of packets payloads: VP8 data, or one
// H.264 slice cut into FU-A fragments.
func benchFrame(name string, packets int) []byte {
	n := packets*(maxPayload-vp8DescLen) - 100
	if name == "H264" {
		f := append([]byte{0, 0, 0, 1, 0x41}, make([]byte, n)...)
		for i := 5; i < len(f); i++ {
			f[i] = byte(i%250 + 1)
		}
		return f
	}
	f := make([]byte, n)
	f[0] = 0x11 // a delta frame
	return f
}

const benchPackets = 8

func BenchmarkPacketizeSend(b *testing.B) {
	for _, name := range []string{"VP8", "H264"} {
		b.Run(name, func(b *testing.B) {
			s := benchSession(b, name)
			frame := benchFrame(name, benchPackets)
			now := time.Now()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.send.send(frame, uint32(i*3000), now, now)
			}
			b.StopTimer()
			pk := s.Stats().PacketsSent
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(pk), "ns/packet")
			b.ReportMetric(float64(pk)/float64(b.N), "packets/op")
		})
	}
}

func BenchmarkReceiveAssemble(b *testing.B) {
	for _, name := range []string{"VP8", "H264"} {
		b.Run(name, func(b *testing.B) {
			s := benchSession(b, name)
			r, err := newReceiver(s)
			if err != nil {
				b.Fatal(err)
			}
			r.ssrc, r.haveSrc, r.waitKey = 1234, true, false
			// One frame's packets, as the far end would send them.
			var pkts [][]byte
			s.pkt.begin(benchFrame(name, benchPackets))
			for {
				p := make([]byte, rtpBufLen)
				n, last := s.pkt.next(p[rtpHeaderLen : rtpHeaderLen+maxPayload])
				p[0], p[1] = 0x80, 96
				if last {
					p[1] |= 0x80
				}
				binary.BigEndian.PutUint32(p[8:], 1234)
				pkts = append(pkts, p[:rtpHeaderLen+n])
				if last {
					break
				}
			}
			now := time.Now()
			seq := uint16(0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, p := range pkts {
					binary.BigEndian.PutUint16(p[2:], seq)
					binary.BigEndian.PutUint32(p[4:], uint32(i*3000))
					seq++
					r.packet(p, netip.AddrPort{}, now)
				}
				r.assemble(now)
			}
			b.StopTimer()
			if d := s.Stats().FramesDecoded; d != uint64(b.N) {
				b.Fatalf("%d frames decoded of %d", d, b.N)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pkts)), "ns/packet")
			b.ReportMetric(float64(len(pkts)), "packets/op")
		})
	}
}

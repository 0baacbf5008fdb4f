package media

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/codec/g711"
)

// sine fills pcm with samples from pos on of a toneAmp sine of f Hz.
func sine(pcm []int16, rate int, f float64, pos int64) {
	w := 2 * math.Pi * f / float64(rate)
	for i := range pcm {
		pcm[i] = int16(toneAmp * 32767 * math.Sin(w*float64(pos+int64(i))))
	}
}

// goertzel is the amplitude (1 = full scale) of the f Hz component of pcm.
func goertzel(pcm []int16, rate int, f float64) float64 {
	coeff := 2 * math.Cos(2*math.Pi*f/float64(rate))
	var s1, s2 float64
	for _, x := range pcm {
		s1, s2 = float64(x)/32768+coeff*s1-s2, s1
	}
	return 2 * math.Sqrt(max(0, s1*s1+s2*s2-coeff*s1*s2)) / float64(len(pcm))
}

// rmsFS is the RMS level of pcm, 1 = full scale.
func rmsFS(pcm []int16) float64 {
	var sum float64
	for _, x := range pcm {
		sum += float64(x) * float64(x)
	}
	return math.Sqrt(sum/float64(max(1, len(pcm)))) / 32768
}

func dB(x float64) float64 { return 20 * math.Log10(x) }

// pipe drives one Session's media paths frame by frame, without sockets
// or device pacing: the send loop's work between ReadFrame and the socket
// write, and the receive loop's and the player's between the socket read
// and WriteFrame, all with the session's own sender, player, statistics
// and jitter buffer.
type pipe struct {
	s         *Session
	snd       *sender
	ply       *player
	mic       [][]int16 // 1 s of a toneA sine at the device rate, frame by frame
	rx        [][]byte  // 1 s of toneB as the far end's RTP packets
	pkt       rtp.Packet
	sent, got int
	seq       uint16
	ts, step  uint32
}

func newPipe(tb testing.TB, c codec.Codec, rate int) *pipe {
	tb.Helper()
	must := func(err error) {
		if err != nil {
			tb.Helper()
			tb.Fatal(err)
		}
	}
	conn, err := Listen(loopback, PortRange{Min: 20000, Max: 40000})
	must(err)
	dev, err := audio.NewNullDevice(audio.Format{SampleRate: rate, Channels: 1, Period: 20 * time.Millisecond})
	must(err)
	info := c.Info()
	s, err := NewSession(conn, dev, Config{
		Codec: c, SendPT: info.PayloadType, RecvPT: info.PayloadType,
		Remote: netip.AddrPortFrom(loopback, 9),
	}, &testHandler{})
	must(err)
	tb.Cleanup(func() { _ = s.Close() })
	p := &pipe{s: s, step: info.TimestampStep(20 * time.Millisecond), seq: 1000, ts: 5000}
	p.snd, err = newSender(s)
	must(err)
	p.ply, err = newPlayer(s)
	must(err)
	enc, err := c.NewEncoder(codec.Options{})
	must(err)
	n := dev.Format().FrameSamples()
	pcm, buf := make([]int16, info.FrameSamples(20*time.Millisecond)), make([]byte, 1500)
	for i := range 50 {
		p.mic = append(p.mic, make([]int16, n))
		sine(p.mic[i], rate, toneA, int64(i*n))
		sine(pcm, info.SampleRate, toneB, int64(i*len(pcm)))
		m, err := enc.Encode(pcm, buf)
		must(err)
		b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: info.PayloadType, SSRC: 0x5eed}, Payload: buf[:m]}).Marshal()
		must(err)
		p.rx = append(p.rx, b)
	}
	return p
}

// send takes one captured frame to the RTP packet ready for the socket,
// as sender.run and sender.write do.
func (p *pipe) send() ([]byte, error) {
	snd := p.snd
	copy(snd.devBuf, p.mic[p.sent%len(p.mic)]) // ReadFrame
	p.sent++
	pcm := snd.toCodecRate(snd.devBuf)
	m, err := snd.enc.Encode(pcm, snd.payload)
	if err != nil {
		return nil, err
	}
	snd.hdr.PayloadType = p.s.cfg.SendPT
	n, err := snd.hdr.MarshalTo(snd.packet)
	if err != nil {
		return nil, err
	}
	n += copy(snd.packet[n:], snd.payload[:m])
	snd.hdr.SequenceNumber++
	snd.hdr.Timestamp += snd.step
	snd.hdr.Marker = false
	return snd.packet[:n], nil
}

// receive takes one packet, arriving on a steady 20 ms clock, through the
// receive loop, and plays one frame 5 ms later, as player.run does.
func (p *pipe) receive() ([]int16, error) {
	b := p.rx[p.got%len(p.rx)]
	binary.BigEndian.PutUint16(b[2:], p.seq) // the network delivers the next packet
	binary.BigEndian.PutUint32(b[4:], p.ts)
	p.seq, p.ts = p.seq+1, p.ts+p.step
	at := statsT0.Add(time.Duration(p.got) * 20 * time.Millisecond)
	p.got++
	if err := p.pkt.Unmarshal(b); err != nil {
		return nil, err
	}
	s := p.s
	s.mu.Lock()
	if !s.recv.update(p.pkt.SSRC, p.pkt.SequenceNumber, p.pkt.Timestamp, at, true) {
		s.jb.Reset()
	}
	s.jb.Put(p.pkt.SequenceNumber, p.pkt.Timestamp, p.pkt.Marker, p.pkt.Payload, at)
	s.mu.Unlock()
	return p.ply.frame(at.Add(5 * time.Millisecond)), nil
}

type pathCase struct {
	c    codec.Codec
	rate int // device rate
}

func (pc pathCase) String() string { return fmt.Sprintf("%s/%dkHz", pc.c.Info().Name, pc.rate/1000) }

// pathCases: every codec with a 48 kHz device, and G.711 with an 8 kHz
// one (no resampling).
func pathCases() []pathCase {
	var cs []pathCase
	for _, c := range codecs.Default() {
		cs = append(cs, pathCase{c, 48000})
	}
	return append(cs, pathCase{g711.PCMU(), 8000}, pathCase{g711.PCMA(), 8000})
}

func BenchmarkSendPath(b *testing.B) {
	for _, pc := range pathCases() {
		b.Run(pc.String(), func(b *testing.B) {
			p := newPipe(b, pc.c, pc.rate)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.send(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReceivePath(b *testing.B) {
	for _, pc := range pathCases() {
		b.Run(pc.String(), func(b *testing.B) {
			p := newPipe(b, pc.c, pc.rate)
			for range 50 { // past the jitter buffer's start
				if _, err := p.receive(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.receive(); err != nil {
					b.Fatal(err)
				}
			}
			if st := p.s.jb.Stats(); st.Lost+st.Late+st.Dropped > 0 {
				b.Errorf("jitter buffer %+v: the path did not decode every packet", st)
			}
		})
	}
}

// TestPipelineNoAllocs enforces the no-allocation rule of the G.711 paths
// at 8 kHz, and checks they carry the audio.
func TestPipelineNoAllocs(t *testing.T) {
	for _, c := range []codec.Codec{g711.PCMU(), g711.PCMA()} {
		p := newPipe(t, c, 8000)
		dec, err := c.NewDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var pkt rtp.Packet
		heard, sent := make([]int16, 0, 160*100), make([]int16, 160)
		for range 100 {
			b, err := p.send()
			if err == nil {
				err = pkt.Unmarshal(b)
			}
			if err == nil {
				_, err = dec.Decode(pkt.Payload, sent)
			}
			pcm, rerr := p.receive()
			if err != nil || rerr != nil {
				t.Fatal(err, rerr)
			}
			heard = append(heard, pcm...)
		}
		if amp := goertzel(sent, 8000, toneA); math.Abs(dB(amp/toneAmp)) > 1 {
			t.Errorf("%s: sent toneA at %.1f dB", c.Info().Name, dB(amp/toneAmp))
		}
		if amp := goertzel(heard[len(heard)-4000:], 8000, toneB); math.Abs(dB(amp/toneAmp)) > 1 {
			t.Errorf("%s: played toneB at %.1f dB", c.Info().Name, dB(amp/toneAmp))
		}
		send := func() { _, _ = p.send() }
		receive := func() { _, _ = p.receive() }
		if a := testing.AllocsPerRun(500, send); a != 0 {
			t.Errorf("%s send path: %v allocations per frame", c.Info().Name, a)
		}
		if a := testing.AllocsPerRun(500, receive); a != 0 {
			t.Errorf("%s receive path: %v allocations per frame", c.Info().Name, a)
		}
		if st := p.s.jb.Stats(); st.Played < 500 || st.Lost+st.Late+st.Dropped > 0 {
			t.Errorf("%s: jitter buffer %+v", c.Info().Name, st)
		}
	}
}

package videosession

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// maxPayload is the most RTP payload one packet carries: with the RTP
// header, SRTP's tag and the IP/UDP headers it stays well under the 1500
// byte Ethernet MTU, and under most tunnels'.
const maxPayload = 1200

// ErrCodec means the codec has no RTP payload format here (only VP8 and
// H.264 do).
var ErrCodec = errors.New("videosession: no RTP payload format for the codec")

// errPayload means an RTP payload does not follow its format.
var errPayload = errors.New("videosession: malformed payload")

// packetizer cuts one encoded frame into RTP payloads, writing into the
// caller's buffers: no allocation.
type packetizer interface {
	// begin starts on frame, which stays untouched until the last next.
	begin(frame []byte)
	// next writes the next payload into dst (at least maxPayload long)
	// and says whether it is the frame's last; n is 0 when the frame
	// holds nothing to send.
	next(dst []byte) (n int, last bool)
}

// depacketizer rebuilds a frame's bitstream from its RTP payloads.
type depacketizer interface {
	// appendPayload appends what payload carries of the frame to frame.
	appendPayload(frame, payload []byte) ([]byte, error)
	// isKey says whether a whole frame's bitstream is a key frame.
	isKey(frame []byte) bool
	// mayStart says whether payload can be the first of a frame: false
	// for what is surely a continuation.
	mayStart(payload []byte) bool
}

// payloadFormat is the RTP payload format of a codec (RFC 7741, RFC 6184).
func payloadFormat(name string) (packetizer, depacketizer, error) {
	switch strings.ToUpper(name) {
	case "VP8":
		return &vp8Packetizer{}, vp8Depacketizer{}, nil
	case "H264":
		return &h264Packetizer{}, h264Depacketizer{}, nil
	}
	return nil, nil, fmt.Errorf("%w: %q", ErrCodec, name)
}

// vp8Packetizer writes RFC 7741 payloads with a 15-bit picture ID, as
// browsers do: receivers use it to tell frames apart after loss.
type vp8Packetizer struct {
	frame []byte
	off   int
	pid   uint16
}

const vp8DescLen = 4

func (p *vp8Packetizer) begin(frame []byte) { p.frame, p.off = frame, 0 }

func (p *vp8Packetizer) next(dst []byte) (int, bool) {
	if len(p.frame) == 0 {
		return 0, true
	}
	dst[0] = 0x80 // X: the extension byte follows
	if p.off == 0 {
		dst[0] |= 0x10 // S, partition 0: the frame starts here
	}
	dst[1] = 0x80 // I: a picture ID follows
	dst[2] = 0x80 | byte(p.pid>>8)&0x7f
	dst[3] = byte(p.pid)
	n := copy(dst[vp8DescLen:maxPayload], p.frame[p.off:])
	p.off += n
	last := p.off >= len(p.frame)
	if last {
		p.pid = (p.pid + 1) & 0x7fff
	}
	return vp8DescLen + n, last
}

type vp8Depacketizer struct{}

// vp8Data is the VP8 data after the payload descriptor, and whether the
// packet starts partition 0.
func vp8Data(p []byte) ([]byte, bool, error) {
	if len(p) < 1 {
		return nil, false, errPayload
	}
	start := p[0]&0x10 != 0 && p[0]&0x07 == 0
	i := 1
	if p[0]&0x80 != 0 {
		if len(p) < 2 {
			return nil, false, errPayload
		}
		x := p[1]
		i = 2
		if x&0x80 != 0 { // I: picture ID, 7 or 15 bits
			if len(p) <= i {
				return nil, false, errPayload
			}
			if p[i]&0x80 != 0 {
				i++
			}
			i++
		}
		if x&0x40 != 0 { // L: TL0PICIDX
			i++
		}
		if x&0x30 != 0 { // T or K: TID/Y/KEYIDX
			i++
		}
	}
	if len(p) < i {
		return nil, false, errPayload
	}
	return p[i:], start, nil
}

func (vp8Depacketizer) appendPayload(frame, payload []byte) ([]byte, error) {
	d, _, err := vp8Data(payload)
	return append(frame, d...), err
}

// isKey reads the frame tag's P bit: 0 for a key frame (RFC 6386 9.1).
func (vp8Depacketizer) isKey(frame []byte) bool { return len(frame) > 0 && frame[0]&1 == 0 }

func (vp8Depacketizer) mayStart(payload []byte) bool {
	_, start, err := vp8Data(payload)
	return err == nil && start
}

// H.264 NAL unit types this package handles (RFC 6184 5.2).
const (
	nalSlice  = 1
	nalIDR    = 5
	nalAUD    = 9
	nalFiller = 12
	nalSTAPA  = 24
	nalFUA    = 28
)

var startCode = []byte{0, 0, 1}

// h264Packetizer sends each NAL unit of an Annex-B frame alone in a packet
// when it fits, else cut into FU-A fragments (packetization-mode=1).
// Access unit delimiters and filler are left out, as RFC 6184 allows.
type h264Packetizer struct {
	rest  []byte // Annex-B data after nal
	nal   []byte // the NAL unit being sent, nil when none is left
	fuOff int    // how much of nal the FU-A fragments sent so far
}

func (p *h264Packetizer) begin(frame []byte) {
	p.rest, p.fuOff = frame, 0
	p.nal = p.nextNAL()
}

// nextNAL cuts the next NAL unit out of rest.
func (p *h264Packetizer) nextNAL() []byte {
	for {
		i := bytes.Index(p.rest, startCode)
		if i < 0 {
			p.rest = nil
			return nil
		}
		p.rest = p.rest[i+len(startCode):]
		j := bytes.Index(p.rest, startCode)
		if j < 0 {
			j = len(p.rest)
		}
		nal := p.rest[:j]
		p.rest = p.rest[j:]
		// A NAL unit never ends in a zero byte: those belong to the next
		// start code (or are trailing_zero_8bits).
		for len(nal) > 0 && nal[len(nal)-1] == 0 {
			nal = nal[:len(nal)-1]
		}
		if len(nal) == 0 {
			continue
		}
		if t := nal[0] & 0x1f; t == nalAUD || t == nalFiller {
			continue
		}
		return nal
	}
}

func (p *h264Packetizer) next(dst []byte) (int, bool) {
	nal := p.nal
	if nal == nil {
		return 0, true
	}
	if p.fuOff == 0 && len(nal) <= maxPayload {
		n := copy(dst, nal)
		p.nal = p.nextNAL()
		return n, p.nal == nil
	}
	if p.fuOff == 0 {
		p.fuOff = 1 // the NAL header travels in the FU indicator and header
	}
	dst[0] = nal[0]&0xe0 | nalFUA
	dst[1] = nal[0] & 0x1f
	if p.fuOff == 1 {
		dst[1] |= 0x80 // S
	}
	n := copy(dst[2:maxPayload], nal[p.fuOff:])
	p.fuOff += n
	if p.fuOff < len(nal) {
		return 2 + n, false
	}
	dst[1] |= 0x40 // E
	p.fuOff = 0
	p.nal = p.nextNAL()
	return 2 + n, p.nal == nil
}

type h264Depacketizer struct{}

var startCode4 = []byte{0, 0, 0, 1}

// appendPayload appends the payload's NAL units to frame in Annex-B.
func (h264Depacketizer) appendPayload(frame, p []byte) ([]byte, error) {
	if len(p) < 1 {
		return frame, errPayload
	}
	switch t := p[0] & 0x1f; {
	case t >= 1 && t <= 23:
		return append(append(frame, startCode4...), p...), nil
	case t == nalSTAPA:
		p = p[1:]
		for len(p) >= 2 {
			n := int(p[0])<<8 | int(p[1])
			if n == 0 || len(p) < 2+n {
				return frame, errPayload
			}
			frame = append(append(frame, startCode4...), p[2:2+n]...)
			p = p[2+n:]
		}
		if len(p) != 0 {
			return frame, errPayload
		}
		return frame, nil
	case t == nalFUA:
		if len(p) < 2 {
			return frame, errPayload
		}
		if p[1]&0x80 != 0 {
			frame = append(append(frame, startCode4...), p[0]&0xe0|p[1]&0x1f)
		}
		return append(frame, p[2:]...), nil
	}
	return frame, errPayload
}

// isKey looks for an IDR slice among the frame's NAL units.
func (h264Depacketizer) isKey(frame []byte) bool {
	for {
		i := bytes.Index(frame, startCode)
		if i < 0 || i+3 >= len(frame) {
			return false
		}
		frame = frame[i+3:]
		if frame[0]&0x1f == nalIDR {
			return true
		}
	}
}

func (h264Depacketizer) mayStart(p []byte) bool {
	if len(p) < 1 {
		return false
	}
	if p[0]&0x1f == nalFUA {
		return len(p) >= 2 && p[1]&0x80 != 0
	}
	return true
}

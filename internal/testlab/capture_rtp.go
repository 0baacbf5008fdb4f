package testlab

import (
	"encoding/binary"
	"fmt"
)

// RTPStats is what AnalyzeRTP found in a set of UDP payloads: whether they
// carry RTP with a readable header, and how varied their payload bytes are.
type RTPStats struct {
	Datagrams  int // payloads looked at
	RTP        int // with an RTP version 2 header of a media payload type (not RTCP, STUN or DTLS)
	Streams    int // distinct SSRCs among them
	InSequence int // RTP packets whose sequence number is the previous one of the same SSRC plus one
	Measured   int // RTP packets with a payload long enough to count bytes in

	// DistinctRatio is the mean, over the measured packets, of the number of
	// distinct byte values in the RTP payload (whatever follows the header)
	// divided by the most it could be (its length, at most 256).
	DistinctRatio float64
}

func (s RTPStats) String() string {
	return fmt.Sprintf("%d datagrams: %d RTP in %d streams, %d in sequence; distinct bytes %.2f over %d payloads",
		s.Datagrams, s.RTP, s.Streams, s.InSequence, s.DistinctRatio, s.Measured)
}

// Thresholds of the RTPStats verdicts. 160 random bytes (an SRTP PCMU payload)
// hold about 119 distinct values (0.74); μ-law samples of a steady tone whose
// period is a whole number of samples (1 kHz at 8 kHz: 8 samples) repeat a
// handful of values (< 0.1). A tone that does not divide the sample rate
// (440 Hz) spreads over many more codes, so it is neither.
const (
	minRTPForVerdict   = 20
	minMeasuredPayload = 32
	encryptedMinRatio  = 0.6
	clearToneMaxRatio  = 0.25
	inSequenceMinShare = 0.9
	rtpMinShare        = 0.9 // of the datagrams that are RTP at all
)

// HeaderReadable reports that most datagrams are RTP whose sequence numbers
// count up per SSRC: the header is in the clear, as SRTP leaves it. Random
// bytes pass the version check a quarter of the time, never the sequence.
func (s RTPStats) HeaderReadable() bool {
	if s.RTP < minRTPForVerdict || float64(s.RTP) < rtpMinShare*float64(s.Datagrams) {
		return false
	}
	return float64(s.InSequence) >= inSequenceMinShare*float64(s.RTP-s.Streams)
}

// LooksEncrypted reports that the RTP payloads look like random bytes.
func (s RTPStats) LooksEncrypted() bool {
	return s.Measured >= minRTPForVerdict && s.DistinctRatio >= encryptedMinRatio
}

// LooksClearTone reports that the RTP payloads repeat few byte values, as
// cleartext G.711 of a steady tone does (see the thresholds above).
func (s RTPStats) LooksClearTone() bool {
	return s.Measured >= minRTPForVerdict && s.DistinctRatio <= clearToneMaxRatio
}

// LooksEncrypted reports whether payloads (UDP payloads of one call's media)
// are RTP with a readable header and random-looking payloads, i.e. SRTP.
func LooksEncrypted(payloads [][]byte) bool {
	s := AnalyzeRTP(payloads)
	return s.HeaderReadable() && s.LooksEncrypted()
}

// AnalyzeRTP classifies payloads by their first bytes (RFC 7983: 0-3 STUN,
// 20-63 DTLS, 128-191 RTP or RTCP; RTCP when the second byte is 192-223,
// RFC 5761) and measures the RTP ones.
func AnalyzeRTP(payloads [][]byte) RTPStats {
	s := RTPStats{Datagrams: len(payloads)}
	lastSeq := make(map[uint32]uint16)
	var ratioSum float64
	for _, p := range payloads {
		body, ssrc, seq, ok := rtpPayload(p)
		if !ok {
			continue
		}
		s.RTP++
		if prev, seen := lastSeq[ssrc]; seen && seq == prev+1 {
			s.InSequence++
		}
		lastSeq[ssrc] = seq
		if len(body) >= minMeasuredPayload {
			s.Measured++
			ratioSum += distinctRatio(body)
		}
	}
	s.Streams = len(lastSeq)
	if s.Measured > 0 {
		s.DistinctRatio = ratioSum / float64(s.Measured)
	}
	return s
}

// rtpPayload parses an RTP header (RFC 3550 5.1, with CSRCs and a header
// extension) and returns what follows it. Padding is not removed: under SRTP
// its count byte is encrypted, and our peers do not pad.
func rtpPayload(p []byte) (body []byte, ssrc uint32, seq uint16, ok bool) {
	if len(p) < 12 || p[0]>>6 != 2 || p[1] >= 192 && p[1] <= 223 {
		return nil, 0, 0, false
	}
	n := 12 + 4*int(p[0]&0x0f)
	if p[0]&0x10 != 0 {
		if len(p) < n+4 {
			return nil, 0, 0, false
		}
		n += 4 + 4*int(binary.BigEndian.Uint16(p[n+2:n+4]))
	}
	if len(p) < n {
		return nil, 0, 0, false
	}
	return p[n:], binary.BigEndian.Uint32(p[8:12]), binary.BigEndian.Uint16(p[2:4]), true
}

func distinctRatio(b []byte) float64 {
	var seen [256]bool
	n := 0
	for _, v := range b {
		if !seen[v] {
			seen[v] = true
			n++
		}
	}
	return float64(n) / float64(min(len(b), 256))
}

// ClearVP8Share is the share of the RTP packets among payloads whose
// payload starts like a clear VP8 payload descriptor (RFC 7741 4.2: its
// two reserved bits 0x48 are zero). Clear VP8 gives 1; SRTP's ciphertext
// about a quarter.
func ClearVP8Share(payloads [][]byte) float64 {
	n, clear := 0, 0
	for _, p := range payloads {
		body, _, _, ok := rtpPayload(p)
		if !ok || len(body) == 0 {
			continue
		}
		n++
		if body[0]&0x48 == 0 {
			clear++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(clear) / float64(n)
}

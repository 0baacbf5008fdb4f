package media

import (
	"time"

	"github.com/pion/rtcp"
)

// ntpTime converts t to the 64-bit NTP format of sender reports.
func ntpTime(t time.Time) uint64 {
	const ntpEpochOffset = 2208988800 // seconds from 1900 to 1970
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// ntpMid is the middle 32 bits of an NTP time: the LSR/DLSR unit (1/65536 s).
func ntpMid(ntp uint64) uint32 { return uint32(ntp >> 16) }

// report builds our compound RTCP packet: an SR when we send, else an RR,
// with a reception report about the far end's stream when we receive one.
func (s *Session) report(now time.Time) []rtcp.Packet {
	s.mu.Lock()
	defer s.mu.Unlock()
	var blocks []rtcp.ReceptionReport
	if s.recv.started {
		var dlsr uint32
		if !s.recv.lastSRAt.IsZero() {
			dlsr = uint32(now.Sub(s.recv.lastSRAt) * 65536 / time.Second)
		}
		lost := s.recv.lost()
		if lost > 0x7fffff {
			lost = 0x7fffff
		}
		blocks = append(blocks, rtcp.ReceptionReport{
			SSRC:               s.recv.ssrc,
			FractionLost:       s.recv.fractionLost(),
			TotalLost:          uint32(lost),
			LastSequenceNumber: s.recv.extendedMax(),
			Jitter:             uint32(s.recv.jitter),
			LastSenderReport:   s.recv.lastSRMid,
			Delay:              dlsr,
		})
	}
	cname := &rtcp.SourceDescription{Chunks: []rtcp.SourceDescriptionChunk{{
		Source: s.ssrc,
		Items:  []rtcp.SourceDescriptionItem{{Type: rtcp.SDESCNAME, Text: s.cname}},
	}}}
	if s.sent.packets > 0 {
		return []rtcp.Packet{&rtcp.SenderReport{
			SSRC:        s.ssrc,
			NTPTime:     ntpTime(now),
			RTPTime:     s.sent.lastTS + uint32(now.Sub(s.sent.lastAt)*time.Duration(s.clockRate)/time.Second),
			PacketCount: uint32(s.sent.packets),
			OctetCount:  uint32(s.sent.octets),
			Reports:     blocks,
		}, cname}
	}
	return []rtcp.Packet{&rtcp.ReceiverReport{SSRC: s.ssrc, Reports: blocks}, cname}
}

// readRTCP takes the far end's reports: its SR (for our LSR/DLSR) and its
// reception report about us (loss it saw, round-trip time).
func (s *Session) readRTCP(pkts []rtcp.Packet, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pkts {
		var reports []rtcp.ReceptionReport
		switch p := p.(type) {
		case *rtcp.SenderReport:
			s.recv.lastSRMid = ntpMid(p.NTPTime)
			s.recv.lastSRAt = now
			reports = p.Reports
		case *rtcp.ReceiverReport:
			reports = p.Reports
		case *rtcp.Goodbye:
			s.remoteBye = true
		}
		for _, r := range reports {
			if r.SSRC != s.ssrc {
				continue
			}
			s.stats.RemoteFractionLost = float64(r.FractionLost) / 256
			s.stats.RemoteLost = uint64(r.TotalLost)
			s.stats.RemoteJitter = time.Duration(uint64(r.Jitter) * uint64(time.Second) / uint64(s.clockRate))
			if r.LastSenderReport != 0 {
				rtt := ntpMid(ntpTime(now)) - r.LastSenderReport - r.Delay
				if rtt < 1<<31 { // a wrapped (negative) value is a bad report
					s.stats.RTT = time.Duration(uint64(rtt) * uint64(time.Second) / 65536)
				}
			}
		}
	}
}

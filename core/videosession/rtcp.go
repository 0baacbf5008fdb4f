package videosession

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/pion/rtcp"
)

// reportInterval is how often we send SR/RR: video senders adapt to what
// the reports say, so more often than audio's five seconds.
const reportInterval = time.Second

// keyRequestGap is the least time between two key frame requests we send
// while the first is unanswered: a key frame takes a round trip and more
// to come. Once one came, a new loss asks again at once.
const keyRequestGap = 500 * time.Millisecond

// keyRequester rate-limits our PLI/FIR.
type keyRequester struct {
	allowed bool // the far end takes PLI or FIR
	fir     bool // FIR only
	// mu guards last and firSeq.
	mu     sync.Mutex
	last   time.Time
	firSeq uint8
}

// reportLoop sends our reports until Close.
func (s *Session) reportLoop() {
	t := time.NewTicker(reportInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.sendRTCP(s.report(now, true))
		}
	}
}

// readRTCPLoop reads the far end's RTCP until the transport closes.
func (s *Session) readRTCPLoop() {
	buf := make([]byte, 1500)
	for {
		n, err := s.tr.ReadRTCP(buf)
		if err != nil {
			if s.stopped() || errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		s.handleRTCP(pkts, time.Now())
	}
}

// handleRTCP acts on the far end's reports and feedback about our stream.
func (s *Session) handleRTCP(pkts []rtcp.Packet, now time.Time) {
	for _, p := range pkts {
		switch p := p.(type) {
		case *rtcp.SenderReport:
			s.mu.Lock()
			if s.recv.started && p.SSRC == s.recv.ssrc {
				s.recv.lastSRMid = ntpMid(p.NTPTime)
				s.recv.lastSRAt = now
			}
			s.mu.Unlock()
			s.onReports(p.Reports, now)
		case *rtcp.ReceiverReport:
			s.onReports(p.Reports, now)
		case *rtcp.PictureLossIndication:
			if p.MediaSSRC == s.ssrc {
				s.st.keyRequestsIn.Add(1)
				s.wantKey.Store(true)
			}
		case *rtcp.FullIntraRequest:
			for _, e := range p.FIR {
				// A FIR repeated with the same sequence number is the
				// same request (RFC 5104 4.3.1.2).
				if e.SSRC == s.ssrc && int(e.SequenceNumber) != s.lastFIR {
					s.lastFIR = int(e.SequenceNumber)
					s.st.keyRequestsIn.Add(1)
					s.wantKey.Store(true)
				}
			}
		case *rtcp.TransportLayerNack:
			if p.MediaSSRC != s.ssrc {
				continue
			}
			to := *s.remote.Load()
			for i := range p.Nacks {
				p.Nacks[i].Range(func(seq uint16) bool {
					s.st.nacksIn.Add(1)
					if s.hist.resend(s.tr, seq, to, now) {
						s.st.retransmitted.Add(1)
					}
					return true
				})
			}
		case *rtcp.ReceiverEstimatedMaximumBitrate:
			s.rate.onREMB(int(p.Bitrate))
		}
	}
}

// onReports takes the far end's reception reports about our stream: the
// loss it saw drives the bit rate; LSR/DLSR give the round trip.
func (s *Session) onReports(reports []rtcp.ReceptionReport, now time.Time) {
	for _, r := range reports {
		if r.SSRC != s.ssrc {
			continue
		}
		frac := float64(r.FractionLost) / 256
		s.st.remoteLost.Store(floatBits(frac))
		s.rate.onLoss(frac, now)
		if r.LastSenderReport != 0 {
			rtt := ntpMid(ntpTime(now)) - r.LastSenderReport - r.Delay
			if rtt < 1<<31 { // a wrapped (negative) value is a bad report
				s.mu.Lock()
				s.rtt = time.Duration(uint64(rtt) * uint64(time.Second) / 65536)
				s.mu.Unlock()
			}
		}
	}
}

// report builds our compound RTCP packet: an SR when we have sent, else an
// RR, with a reception report when we receive (and blocks is set), and our
// CNAME. Feedback goes without the reception report: one would restart the
// loss interval, and the far end adapts once per report, not per NACK.
func (s *Session) report(now time.Time, blocks bool) []rtcp.Packet {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rr []rtcp.ReceptionReport
	if blocks && s.recv.started {
		var dlsr uint32
		if !s.recv.lastSRAt.IsZero() {
			dlsr = uint32(now.Sub(s.recv.lastSRAt) * 65536 / time.Second)
		}
		lost := min(max(s.recv.totalLost(), 0), 0x7fffff)
		rr = append(rr, rtcp.ReceptionReport{
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
			RTPTime:     s.sent.lastTS + uint32(rtpUnits(now)-rtpUnits(s.sent.lastAt)),
			PacketCount: uint32(s.sent.packets),
			OctetCount:  uint32(s.sent.octets),
			Reports:     rr,
		}, cname}
	}
	return []rtcp.Packet{&rtcp.ReceiverReport{SSRC: s.ssrc, Reports: rr}, cname}
}

// bye is our last report and an RTCP BYE.
func (s *Session) bye(now time.Time) []rtcp.Packet {
	return append(s.report(now, true), &rtcp.Goodbye{Sources: []uint32{s.ssrc}})
}

// sendFeedback sends fb in a compound packet after our report (RFC 4585
// 3.1: feedback rides in compound RTCP).
func (s *Session) sendFeedback(fb rtcp.Packet, now time.Time) {
	s.sendRTCP(append(s.report(now, false), fb))
}

func (s *Session) sendRTCP(pkts []rtcp.Packet) {
	b, err := rtcp.Marshal(pkts)
	if err != nil {
		return
	}
	s.rtcpMu.Lock()
	err = s.tr.SendRTCP(b, *s.remoteRTCP.Load())
	s.rtcpMu.Unlock()
	if err != nil && !s.stopped() {
		s.log.Debug("videosession: rtcp send", "error", err)
	}
}

// requestKeyFrame sends a PLI (or FIR) about the far end's stream, at most
// one per keyRequestGap until a key frame comes.
func (s *Session) requestKeyFrame(now time.Time) {
	k := &s.keyReq
	if !k.allowed {
		return
	}
	s.mu.Lock()
	media, known := s.recv.ssrc, s.recv.started
	s.mu.Unlock()
	if !known {
		return
	}
	k.mu.Lock()
	if !k.last.IsZero() && now.Sub(k.last) < keyRequestGap {
		k.mu.Unlock()
		return
	}
	k.last = now
	k.firSeq++
	seq := k.firSeq
	k.mu.Unlock()
	var fb rtcp.Packet = &rtcp.PictureLossIndication{SenderSSRC: s.ssrc, MediaSSRC: media}
	if k.fir {
		fb = &rtcp.FullIntraRequest{SenderSSRC: s.ssrc, MediaSSRC: media,
			FIR: []rtcp.FIREntry{{SSRC: media, SequenceNumber: seq}}}
	}
	s.st.keysRequested.Add(1)
	s.sendFeedback(fb, now)
}

// keyFrameCame lifts the limit on key frame requests: the last one is
// answered.
func (k *keyRequester) keyFrameCame() {
	k.mu.Lock()
	k.last = time.Time{}
	k.mu.Unlock()
}

// sendNACK asks the far end to resend the packets seqs (RFC 4585 6.2.1).
func (s *Session) sendNACK(seqs []uint16, now time.Time) {
	if !s.cfg.Feedback.NACK || len(seqs) == 0 {
		return
	}
	s.mu.Lock()
	media := s.recv.ssrc
	s.mu.Unlock()
	s.st.nacksSent.Add(uint64(len(seqs)))
	s.sendFeedback(&rtcp.TransportLayerNack{SenderSSRC: s.ssrc, MediaSSRC: media,
		Nacks: rtcp.NackPairsFromSequenceNumbers(seqs)}, now)
}

// ntpTime is t in the 64-bit NTP format of sender reports.
func ntpTime(t time.Time) uint64 {
	const ntpEpochOffset = 2208988800 // seconds from 1900 to 1970
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / uint64(time.Second)
	return secs<<32 | frac
}

// ntpMid is the middle 32 bits of an NTP time: the LSR/DLSR unit (1/65536 s).
func ntpMid(ntp uint64) uint32 { return uint32(ntp >> 16) }

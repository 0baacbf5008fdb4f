package videosession

import (
	"image"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/softphone/softphone/core/video"
)

func TestReportsAndRoundTrip(t *testing.T) {
	s, err := New(nopTransport{}, Config{Codec: fakeCodec("VP8"), SendPT: 96, RecvPT: 96})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// Nothing sent: an RR without blocks, and the CNAME.
	pkts := s.report(now, true)
	if rr, ok := pkts[0].(*rtcp.ReceiverReport); !ok || len(rr.Reports) != 0 {
		t.Fatalf("first packet %v", pkts[0])
	}
	if sd, ok := pkts[1].(*rtcp.SourceDescription); !ok || sd.Chunks[0].Items[0].Text != s.cname {
		t.Fatalf("second packet %v", pkts[1])
	}
	// Ten packets of the far end's with two missing, and ours sent.
	for _, seq := range []uint16{100, 101, 102, 104, 105, 106, 107, 109, 110, 111} {
		s.recv.update(77, seq, uint32(seq)*3000, now)
	}
	s.sent = sentStats{packets: 5, octets: 5000, lastTS: 90000, lastAt: now.Add(-time.Second)}
	b, err := rtcp.Marshal(s.report(now, true))
	if err != nil {
		t.Fatal(err)
	}
	back, err := rtcp.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	sr, ok := back[0].(*rtcp.SenderReport)
	if !ok || sr.SSRC != s.ssrc || sr.PacketCount != 5 || sr.OctetCount != 5000 || len(sr.Reports) != 1 {
		t.Fatalf("SR %+v", back[0])
	}
	if sr.RTPTime < 90000+89000 || sr.RTPTime > 90000+91000 {
		t.Errorf("SR RTP time %d, want about %d a second after the last frame", sr.RTPTime, 180000)
	}
	r := sr.Reports[0]
	if r.SSRC != 77 || r.TotalLost != 2 || r.LastSequenceNumber != 111 || r.FractionLost != 2*256/12 {
		t.Errorf("report block %+v", r)
	}
	// The loss interval restarts: the next report has none.
	if r := s.report(now, true)[0].(*rtcp.SenderReport).Reports[0]; r.FractionLost != 0 {
		t.Errorf("second interval lost %d/256", r.FractionLost)
	}
	// Feedback goes without a block.
	if r := s.report(now, false)[0].(*rtcp.SenderReport); len(r.Reports) != 0 {
		t.Errorf("feedback's SR carries %d blocks", len(r.Reports))
	}
	// The far end's report of ours: 50 ms held there, sent 150 ms after
	// our SR, so a 100 ms round trip.
	s.handleRTCP([]rtcp.Packet{&rtcp.ReceiverReport{SSRC: 77, Reports: []rtcp.ReceptionReport{{
		SSRC: s.ssrc, FractionLost: 0, LastSenderReport: ntpMid(ntpTime(now.Add(-150 * time.Millisecond))),
		Delay: 65536 / 20,
	}}}}, now)
	if rtt := s.Stats().RTTMs; rtt < 99 || rtt > 101 {
		t.Errorf("RTT %.1f ms, want 100", rtt)
	}
}

func TestNACKFromFarEndResends(t *testing.T) {
	tra, trb := memPair()
	s, err := New(tra, Config{Codec: fakeCodec("VP8"), SendPT: 96, RecvPT: 96})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	s.send.send(benchFrame("VP8", 3), 1000, now, now)
	first := s.send.seq - 3
	for range 3 {
		<-trb.rtp
	}
	s.handleRTCP([]rtcp.Packet{&rtcp.TransportLayerNack{MediaSSRC: s.ssrc,
		Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{first + 1, first + 2, first + 9})}}, now)
	for _, want := range []uint16{first + 1, first + 2} {
		p := <-trb.rtp
		if h, ok := parseRTP(p); !ok || h.seq != want || h.ts != 1000 {
			t.Errorf("resent %+v, want seq %d", h, want)
		}
	}
	if st := s.Stats(); st.NACKsReceived != 3 || st.Retransmitted != 2 {
		t.Errorf("stats %+v", st)
	}
	// Too old: not resent.
	s.handleRTCP([]rtcp.Packet{&rtcp.TransportLayerNack{MediaSSRC: s.ssrc,
		Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{first})}}, now.Add(2*historyAge))
	select {
	case p := <-trb.rtp:
		t.Errorf("resent a packet older than the history: %x", p[:4])
	default:
	}
}

// A BYE comes as the far end hangs up, just before the call ends: the
// last picture stays (the call's end, or the stream's removal, is what
// takes it away), so it can still be saved or shown.
func TestFarEndByeKeepsItsPicture(t *testing.T) {
	feed := &video.Feed{}
	s, err := New(nopTransport{}, Config{Codec: fakeCodec("VP8"), SendPT: 96, RecvPT: 96, RemoteFeed: feed})
	if err != nil {
		t.Fatal(err)
	}
	feed.Put(image.NewYCbCr(image.Rect(0, 0, 4, 4), image.YCbCrSubsampleRatio420), time.Now())
	s.recv.update(77, 1, 0, time.Now())
	s.handleRTCP([]rtcp.Packet{&rtcp.Goodbye{Sources: []uint32{77}}}, time.Now())
	if feed.Snapshot() == nil {
		t.Error("the far end's BYE took its last picture away")
	}
}

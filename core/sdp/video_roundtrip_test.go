package sdp

import (
	"net/netip"
	"testing"
)

// TestVideoRoundTrip runs our Offer through our Answer and the answer
// through ParseAnswer: both ends must agree, stream by stream, on which
// streams live, the codec, PTs, feedback and directions.
func TestVideoRoundTrip(t *testing.T) {
	fbs := func(v VideoLocal, fb ...string) VideoLocal { v.Feedback = fb; return v }
	dir := func(v VideoLocal, d Direction) VideoLocal { v.Direction = d; return v }
	off := func(v VideoLocal) VideoLocal { v.Disabled, v.RTPPort = true, 0; return v }
	port := func(v VideoLocal, p int) VideoLocal { v.RTPPort = p; return v }
	renumbered := vp8()
	renumbered.PayloadType = 120
	dtls := func(v VideoLocal, setup string) VideoLocal {
		v.Transport = Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpA, Setup: setup, RTCPMux: true}
		return v
	}
	type side struct {
		live     bool
		codec    string
		fb       Feedback
		offerer  Direction
		answerer Direction
	}
	all3 := Feedback{NACK: true, PLI: true, FIR: true}
	tests := []struct {
		name     string
		offerer  []VideoLocal
		answerer []VideoLocal
		want     []side
	}{
		{"same preferences", []VideoLocal{camera()}, []VideoLocal{port(camera(), 50002)},
			[]side{{true, "VP8", all3, SendRecv, SendRecv}}},
		{"answerer prefers H.264", []VideoLocal{camera()}, []VideoLocal{port(camera(h264(), vp8()), 50002)},
			[]side{{true, "H264", all3, SendRecv, SendRecv}}},
		{"answerer numbers VP8 otherwise", []VideoLocal{camera()}, []VideoLocal{port(camera(renumbered), 50002)},
			[]side{{true, "VP8", all3, SendRecv, SendRecv}}},
		{"feedback both list", []VideoLocal{fbs(camera(), FeedbackNACK, FeedbackPLI, FeedbackREMB)},
			[]VideoLocal{fbs(port(camera(), 50002), FeedbackPLI, FeedbackFIR, FeedbackREMB, FeedbackTransportCC)},
			[]side{{true, "VP8", Feedback{PLI: true, REMB: true}, SendRecv, SendRecv}}},
		{"we share slides, they only watch", []VideoLocal{camera(), dir(slides(), SendOnly)},
			[]VideoLocal{port(camera(), 50002), port(slides(), 50004)},
			[]side{{true, "VP8", all3, SendRecv, SendRecv}, {true, "VP8", all3, SendOnly, RecvOnly}}},
		{"they have no slides stream", []VideoLocal{camera(), slides()}, []VideoLocal{port(camera(), 50002)},
			[]side{{true, "VP8", all3, SendRecv, SendRecv}, {}}},
		{"our camera is off", []VideoLocal{off(camera()), slides()},
			[]VideoLocal{port(camera(), 50002), port(slides(h264()), 50004)},
			[]side{{}, {true, "H264", all3, SendRecv, SendRecv}}},
		{"they have no video", []VideoLocal{camera(), slides()}, nil, []side{{}, {}}},
		{"DTLS with rtcp-mux", []VideoLocal{dtls(camera(), "actpass")}, []VideoLocal{dtls(port(camera(), 50002), "active")},
			[]side{{true, "VP8", all3, SendRecv, SendRecv}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := videoLocal(tt.offerer...)
			b := videoLocal(tt.answerer...)
			b.Addr, b.RTPPort = netip.MustParseAddr("2001:db8::b"), 50000
			if len(tt.offerer) > 0 && tt.offerer[0].Transport.Profile != "" {
				a.Transport = tt.offerer[0].Transport
				b.Transport = tt.answerer[0].Transport
			}
			offer, err := Offer(a)
			if err != nil {
				t.Fatal(err)
			}
			answer, nb, err := Answer(offer, b)
			if err != nil {
				t.Fatalf("Answer: %v\n%s", err, offer)
			}
			na, err := ParseAnswer(a, answer)
			if err != nil {
				t.Fatalf("ParseAnswer: %v\n%s", err, answer)
			}
			if len(na.Video) != len(tt.want) || len(nb.Video) != len(tt.want) {
				t.Fatalf("%d / %d video streams, want %d", len(na.Video), len(nb.Video), len(tt.want))
			}
			for k, w := range tt.want {
				va, vb := na.Video[k], nb.Video[k]
				if va.Index != 1+k || vb.Index != 1+k || va.Content != vb.Content {
					t.Errorf("stream %d: indexes %d / %d, content %q / %q", k, va.Index, vb.Index, va.Content, vb.Content)
				}
				if va.Disabled == w.live || vb.Disabled == w.live {
					t.Errorf("stream %d: disabled %v / %v, want live %v\n%s\n%s", k, va.Disabled, vb.Disabled, w.live, offer, answer)
					continue
				}
				if !w.live {
					continue
				}
				if va.Codec.Name != w.codec || vb.Codec.Name != w.codec {
					t.Errorf("stream %d: codecs %s / %s, want %s", k, va.Codec.Name, vb.Codec.Name, w.codec)
				}
				// What one side sends with is what the other expects.
				if va.Codec.PayloadType != vb.RecvPT || vb.Codec.PayloadType != va.RecvPT {
					t.Errorf("stream %d: PTs: offerer sends %d recv %d, answerer sends %d recv %d",
						k, va.Codec.PayloadType, va.RecvPT, vb.Codec.PayloadType, vb.RecvPT)
				}
				if va.Feedback != w.fb || vb.Feedback != w.fb {
					t.Errorf("stream %d: feedback %+v / %+v, want %+v", k, va.Feedback, vb.Feedback, w.fb)
				}
				if va.Direction != w.offerer || vb.Direction != w.answerer {
					t.Errorf("stream %d: directions %s / %s, want %s / %s", k, va.Direction, vb.Direction, w.offerer, w.answerer)
				}
				ours, theirs := a.Video[va.Local], b.Video[vb.Local]
				if va.Remote != netip.AddrPortFrom(b.Addr, uint16(theirs.RTPPort)) ||
					vb.Remote != netip.AddrPortFrom(a.Addr, uint16(ours.RTPPort)) {
					t.Errorf("stream %d: offerer sends to %v, answerer to %v", k, va.Remote, vb.Remote)
				}
				muxed := ours.Transport.RTCPMux && theirs.Transport.RTCPMux
				if (va.RemoteRTCP == va.Remote) != muxed || (vb.RemoteRTCP == vb.Remote) != muxed {
					t.Errorf("stream %d: RTCP to %v / %v, muxed %v", k, va.RemoteRTCP, vb.RemoteRTCP, muxed)
				}
				if va.Transport.Profile != profileOr(ours.Transport.Profile) || va.Transport.Setup != theirs.Transport.Setup ||
					vb.Transport.Setup != ours.Transport.Setup {
					t.Errorf("stream %d: transports %s / %s", k, show(va.Transport), show(vb.Transport))
				}
			}
		})
	}
}

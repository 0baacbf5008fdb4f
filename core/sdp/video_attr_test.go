package sdp

import (
	"testing"

	"github.com/pion/sdp/v3"
)

func TestH264Fits(t *testing.T) {
	tests := map[string]bool{
		"packetization-mode=1;profile-level-id=42e01f":                           true,  // Constrained Baseline 3.1
		"profile-level-id=42001f;packetization-mode=1":                           true,  // Baseline
		"level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4de01f": true,  // Main, CB compatible
		"packetization-mode=1;profile-level-id=4d801f":                           true,  // Main with constraint_set0
		"packetization-mode=1;profile-level-id=64401f":                           true,  // High with constraint_set1
		"packetization-mode=1;profile-level-id=640c1f":                           false, // High
		"packetization-mode=1;profile-level-id=4d001f":                           false, // Main
		"packetization-mode=1;profile-level-id=58c01f":                           true,  // Extended, CB compatible
		"packetization-mode=1;profile-level-id=58801f":                           false, // Extended
		"PACKETIZATION-MODE = 1 ; Profile-Level-Id = 42E01F":                     true,
		"packetization-mode=1":                                                   true,  // default 42000a
		"packetization-mode=0;profile-level-id=42e01f":                           false, // single NAL units
		"profile-level-id=42e01f":                                                false, // mode 0 by default
		"":                                                                       false,
		"packetization-mode=2;profile-level-id=42e01f":                           false,
		"packetization-mode=1;profile-level-id=42e0":                             false,
		"packetization-mode=1;profile-level-id=zz001f":                           false,
	}
	for fmtp, want := range tests {
		if got := h264Fits(fmtp); got != want {
			t.Errorf("h264Fits(%q) = %v, want %v", fmtp, got, want)
		}
	}
}

func TestImageattrRecv(t *testing.T) {
	tests := []struct {
		name string
		vals []string
		w, h int
	}{
		{"RFC 6236 example", []string{"97 send [x=800,y=640,sar=1.1,q=0.6] [x=480,y=320] recv [x=330,y=250]"}, 330, 250},
		{"recv first, ranges and lists", []string{"97 recv [x=[480:16:800],y=[320:16:640],par=[1.2-1.3],q=0.6] [x=[176:208],y=[144,288]] send [x=1920,y=1080]"}, 800, 640},
		{"wildcard and our PT both count", []string{"* recv [x=640,y=360]", "97 recv [x=1280,y=200]"}, 1280, 360},
		{"another PT", []string{"98 recv [x=1920,y=1080]"}, 0, 0},
		{"recv *", []string{"97 send [x=320,y=240] recv *"}, 0, 0},
		{"nonsense skipped", []string{"97 recv [x=abc,y=[1:2:]] [x=[,],y=-4] [y=[100,x]]", "97 recv [x=", "x", "97"}, 0, 100},
		{"unclosed set", []string{"97 recv [x=640,y=480"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &sdp.MediaDescription{}
			for _, v := range tt.vals {
				m.Attributes = append(m.Attributes, sdp.NewAttribute("imageattr", v))
			}
			if w, h := imageattrRecv(m, 97); w != tt.w || h != tt.h {
				t.Errorf("got %dx%d, want %dx%d", w, h, tt.w, tt.h)
			}
		})
	}
}

func TestBitrateOf(t *testing.T) {
	bw := func(bs ...sdp.Bandwidth) *sdp.MediaDescription { return &sdp.MediaDescription{Bandwidth: bs} }
	tests := []struct {
		m    *sdp.MediaDescription
		want int
	}{
		{bw(), 0},
		{bw(sdp.Bandwidth{Type: "AS", Bandwidth: 512}), 512_000},
		{bw(sdp.Bandwidth{Type: "AS", Bandwidth: 512}, sdp.Bandwidth{Type: "TIAS", Bandwidth: 480_000}), 480_000},
		{bw(sdp.Bandwidth{Type: "CT", Bandwidth: 512}, sdp.Bandwidth{Experimental: true, Type: "TIAS", Bandwidth: 1}), 0},
		{bw(sdp.Bandwidth{Type: "AS", Bandwidth: 1 << 62}), 0},
	}
	for i, tt := range tests {
		if got := bitrateOf(tt.m); got != tt.want {
			t.Errorf("%d: %d, want %d", i, got, tt.want)
		}
	}
}

func TestPeerFeedback(t *testing.T) {
	m := &sdp.MediaDescription{Attributes: []sdp.Attribute{
		sdp.NewAttribute("rtcp-fb", "* nack"),
		sdp.NewAttribute("rtcp-fb", "97  NACK   PLI"),
		sdp.NewAttribute("rtcp-fb", "98 ccm fir"),
		sdp.NewAttribute("rtcp-fb", "97 nack"),
		sdp.NewAttribute("rtcp-fb", "97"),
		sdp.NewAttribute("rtcp-fb", "x goog-remb"),
	}}
	got := peerFeedback(m, 97)
	if len(got) != 2 || got[0] != "nack" || got[1] != "nack pli" {
		t.Errorf("got %q", got)
	}
	if f := feedbackOf(commonFeedback(got, []string{"nack pli", "ccm fir"})); f != (Feedback{PLI: true}) {
		t.Errorf("common %+v", f)
	}
}

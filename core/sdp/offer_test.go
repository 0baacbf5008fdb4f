package sdp

import (
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/softphone/softphone/core/codec"
)

func TestOfferText(t *testing.T) {
	b, err := Offer(testLocal())
	if err != nil {
		t.Fatal(err)
	}
	want := string(crlf(`
v=0
o=- 3900000001 1 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 40000 RTP/AVP 111 9 0 8 101 102
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=rtpmap:102 telephone-event/48000
a=fmtp:102 0-16
a=ptime:20
a=sendrecv
a=rtcp:40001
`))
	if string(b) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", b, want)
	}
}

func TestOfferIPv6Hold(t *testing.T) {
	l := testLocal(pcmu())
	l.Addr = netip.MustParseAddr("fe80::1%eth0") // zone must not leak
	l.Direction, l.Ptime, l.Username, l.Version = SendOnly, 40, "softphone", 2
	b, err := Offer(l)
	if err != nil {
		t.Fatal(err)
	}
	want := string(crlf(`
v=0
o=softphone 3900000001 2 IN IP6 fe80::1
s=-
c=IN IP6 fe80::1
t=0 0
m=audio 40000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:40
a=sendonly
a=rtcp:40001
`))
	if string(b) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", b, want)
	}
}

func TestOfferDTMFAvoidsCodecPTs(t *testing.T) {
	o := opus()
	o.PayloadType = 101
	fs, err := offered(testLocal(o, pcmu()))
	if err != nil {
		t.Fatal(err)
	}
	var got []uint8
	for _, f := range fs {
		got = append(got, f.pt)
	}
	want := []uint8{101, 0, 102, 103}
	if !slices.Equal(got, want) {
		t.Errorf("PTs %v, want %v", got, want)
	}
}

func TestOfferInvalidLocal(t *testing.T) {
	tests := map[string]func(*Local){
		"no address":        func(l *Local) { l.Addr = netip.Addr{} },
		"unspecified":       func(l *Local) { l.Addr = netip.IPv4Unspecified() },
		"port 0":            func(l *Local) { l.RTPPort = 0 },
		"port 65535":        func(l *Local) { l.RTPPort = 65535 },
		"ptime 5":           func(l *Local) { l.Ptime = 5 },
		"bad direction":     func(l *Local) { l.Direction = "both" },
		"username space":    func(l *Local) { l.Username = "a b" },
		"no codecs":         func(l *Local) { l.Codecs = nil },
		"duplicate PT":      func(l *Local) { l.Codecs = []codec.Info{pcmu(), pcmu()} },
		"PT 128":            func(l *Local) { c := pcmu(); c.PayloadType = 128; l.Codecs = []codec.Info{c} },
		"fmtp injection":    func(l *Local) { c := pcmu(); c.Fmtp = "x\r\na=evil"; l.Codecs = []codec.Info{c} },
		"no clock rate":     func(l *Local) { c := pcmu(); c.ClockRate = 0; l.Codecs = []codec.Info{c} },
		"no PT left":        func(l *Local) { l.Codecs = allDynamic() },
		"name with a slash": func(l *Local) { c := pcmu(); c.Name = "PC/MU"; l.Codecs = []codec.Info{c} },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			l := testLocal()
			mutate(&l)
			if _, err := Offer(l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Offer: err = %v", err)
			}
			if _, err := ParseAnswer(l, crlf(asteriskOffer)); !errors.Is(err, errInvalidLocal) {
				t.Errorf("ParseAnswer: err = %v", err)
			}
			if name == "no PT left" {
				return // Answer picks the peer's PTs, so it has no such limit
			}
			if _, _, err := Answer(crlf(asteriskOffer), l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Answer: err = %v", err)
			}
		})
	}
}

// allDynamic fills every dynamic PT so telephone-event finds none.
func allDynamic() []codec.Info {
	var cs []codec.Info
	for pt := 96; pt < 128; pt++ {
		c := pcmu()
		c.PayloadType = uint8(pt)
		c.ClockRate = pt // distinct so each is its own codec
		cs = append(cs, c)
	}
	return cs
}

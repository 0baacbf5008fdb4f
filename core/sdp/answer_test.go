package sdp

import (
	"errors"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

func TestAnswer(t *testing.T) {
	ap := netip.MustParseAddrPort
	tests := []struct {
		name  string
		offer []byte
		local Local
		// outcome
		codec      string
		pt, dtmf   uint8
		remote     netip.AddrPort
		remoteRTCP netip.AddrPort
		ptime      int
		dir        Direction
		ports      []int // m= ports of the answer, in order
	}{
		{
			name: "baresip prefers opus; telephone-event only at 8000", offer: crlf(baresipOffer), local: testLocal(),
			codec: "opus", pt: 111, dtmf: 0, remote: ap("198.51.100.7:10002"), remoteRTCP: ap("198.51.100.7:10003"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "baresip, we prefer PCMU", offer: crlf(baresipOffer), local: testLocal(pcmu(), opus()),
			codec: "PCMU", pt: 0, dtmf: 101, remote: ap("198.51.100.7:10002"), remoteRTCP: ap("198.51.100.7:10003"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "linphone opus on 96 with telephone-event/48000", offer: crlf(linphoneOffer), local: testLocal(),
			codec: "opus", pt: 96, dtmf: 101, remote: ap("203.0.113.5:7078"), remoteRTCP: ap("203.0.113.5:7079"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "linphone, we prefer PCMA", offer: crlf(linphoneOffer), local: testLocal(pcma(), pcmu()),
			codec: "PCMA", pt: 8, dtmf: 100, remote: ap("203.0.113.5:7078"), remoteRTCP: ap("203.0.113.5:7079"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "asterisk static types without rtpmap, ptime 30", offer: crlf(asteriskOffer), local: testLocal(),
			codec: "PCMU", pt: 0, dtmf: 101, remote: ap("192.0.2.50:17852"), remoteRTCP: ap("192.0.2.50:17853"),
			ptime: 30, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "asterisk with DTMF off", offer: crlf(asteriskOffer), local: func() Local { l := testLocal(); l.DTMF = false; return l }(),
			codec: "PCMU", pt: 0, dtmf: 0, remote: ap("192.0.2.50:17852"), remoteRTCP: ap("192.0.2.50:17853"),
			ptime: 30, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "video rejected, media-level c= wins", offer: crlf(videoOffer), local: testLocal(),
			codec: "PCMU", pt: 0, remote: ap("203.0.113.77:7078"), remoteRTCP: ap("203.0.113.77:7079"),
			ptime: 20, dir: SendRecv, ports: []int{0, 40000},
		},
		{
			name: "hold with sendonly", offer: crlf(holdSendonlyOffer), local: testLocal(),
			codec: "PCMU", pt: 0, dtmf: 101, remote: ap("198.51.100.7:10002"), remoteRTCP: ap("198.51.100.7:10003"),
			ptime: 20, dir: RecvOnly, ports: []int{40000},
		},
		{
			name: "old-style hold c=0.0.0.0", offer: crlf(holdZeroOffer), local: testLocal(),
			codec: "PCMA", pt: 8, remote: ap("0.0.0.0:10002"), remoteRTCP: ap("0.0.0.0:10003"),
			ptime: 20, dir: RecvOnly, ports: []int{40000},
		},
		{
			name: "session-level inactive", offer: crlf(inactiveOffer), local: testLocal(),
			codec: "G722", pt: 9, remote: ap("198.51.100.7:10002"), remoteRTCP: ap("198.51.100.7:10003"),
			ptime: 20, dir: Inactive, ports: []int{40000},
		},
		{
			name: "we hold while they offer sendrecv", offer: crlf(asteriskOffer),
			local: func() Local { l := testLocal(); l.Direction = SendOnly; return l }(),
			codec: "PCMU", pt: 0, dtmf: 101, remote: ap("192.0.2.50:17852"), remoteRTCP: ap("192.0.2.50:17853"),
			ptime: 30, dir: SendOnly, ports: []int{40000},
		},
		{
			name: "dynamic PT without rtpmap ignored", offer: crlf(noRtpmapDynamicOffer), local: testLocal(),
			codec: "PCMA", pt: 8, remote: ap("198.51.100.7:10002"), remoteRTCP: ap("198.51.100.7:10003"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "IPv6, opus on 107 in capitals, a=rtcp with address, ptime 30 → 20", offer: crlf(ipv6Offer),
			local: func() Local { l := testLocal(); l.Addr = netip.MustParseAddr("2001:db8::10"); return l }(),
			codec: "opus", pt: 107, dtmf: 101, remote: ap("[2001:db8::5]:20000"), remoteRTCP: ap("[2001:db8::6]:20011"),
			ptime: 20, dir: SendRecv, ports: []int{40000},
		},
		{
			name: "disabled first audio stream", offer: crlf(disabledFirstAudioOffer), local: testLocal(),
			codec: "G722", pt: 9, remote: ap("198.51.100.7:10004"), remoteRTCP: ap("198.51.100.7:10005"),
			ptime: 20, dir: SendOnly, ports: []int{0, 40000},
		},
		{
			name: "bare LF line endings", offer: []byte(strings.TrimLeft(asteriskOffer, "\n")), local: testLocal(),
			codec: "PCMU", pt: 0, dtmf: 101, remote: ap("192.0.2.50:17852"), remoteRTCP: ap("192.0.2.50:17853"),
			ptime: 30, dir: SendRecv, ports: []int{40000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, n, err := Answer(tt.offer, tt.local)
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if !strings.EqualFold(n.Codec.Name, tt.codec) || n.Codec.PayloadType != tt.pt || n.RecvPT != tt.pt {
				t.Errorf("codec %s PT %d recv %d, want %s PT %d", n.Codec.Name, n.Codec.PayloadType, n.RecvPT, tt.codec, tt.pt)
			}
			if n.DTMFPT != tt.dtmf || n.RecvDTMFPT != tt.dtmf {
				t.Errorf("DTMF PT %d/%d, want %d", n.DTMFPT, n.RecvDTMFPT, tt.dtmf)
			}
			if n.Remote != tt.remote || n.RemoteRTCP != tt.remoteRTCP {
				t.Errorf("remote %v rtcp %v, want %v %v", n.Remote, n.RemoteRTCP, tt.remote, tt.remoteRTCP)
			}
			if n.Ptime != tt.ptime || n.Direction != tt.dir {
				t.Errorf("ptime %d dir %s, want %d %s", n.Ptime, n.Direction, tt.ptime, tt.dir)
			}
			checkAnswer(t, b, n, tt.ports)
		})
	}
}

// checkAnswer parses our own answer and checks it says what n says.
func checkAnswer(t *testing.T, b []byte, n Negotiated, ports []int) {
	t.Helper()
	var s sdp.SessionDescription
	if err := s.Unmarshal(b); err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, b)
	}
	if len(s.MediaDescriptions) != len(ports) {
		t.Fatalf("answer has %d m= lines, want %d\n%s", len(s.MediaDescriptions), len(ports), b)
	}
	for i, m := range s.MediaDescriptions {
		if m.MediaName.Port.Value != ports[i] {
			t.Errorf("m= line %d port %d, want %d", i, m.MediaName.Port.Value, ports[i])
		}
		if ports[i] == 0 {
			continue
		}
		want := []string{itoa(n.Codec.PayloadType)}
		if n.RecvDTMFPT != 0 {
			want = append(want, itoa(n.RecvDTMFPT))
		}
		if strings.Join(m.MediaName.Formats, " ") != strings.Join(want, " ") {
			t.Errorf("answer formats %v, want %v", m.MediaName.Formats, want)
		}
		for _, pt := range want {
			if !hasAttr(m, "rtpmap", pt+" ") {
				t.Errorf("no rtpmap for PT %s\n%s", pt, b)
			}
		}
		if !hasAttr(m, string(n.Direction), "") || !hasAttr(m, "rtcp", "40001") {
			t.Errorf("direction or rtcp missing\n%s", b)
		}
	}
	if !strings.Contains(string(b), "\r\ns=-\r\n") || !strings.Contains(string(b), "\r\nt=0 0\r\n") {
		t.Errorf("s= or t= line wrong\n%s", b)
	}
}

func hasAttr(m *sdp.MediaDescription, key, prefix string) bool {
	for _, a := range m.Attributes {
		if a.Key == key && strings.HasPrefix(a.Value, prefix) {
			return true
		}
	}
	return false
}

func itoa(pt uint8) string { return strconv.Itoa(int(pt)) }

func TestAnswerErrors(t *testing.T) {
	tests := []struct {
		name  string
		offer []byte
		want  []error
	}{
		{"only codecs we lack", crlf(unknownCodecsOffer), []error{ErrNoCommonCodec}},
		{"SRTP", crlf(savpOffer), []error{ErrNoAudio, ErrUnsupportedProfile}},
		{"garbage", []byte("hello, world"), []error{ErrMalformed}},
		{"empty", nil, []error{ErrMalformed}},
		{"lone v=", []byte("v=0\r\n"), []error{ErrMalformed}},
		{"binary", []byte{0, 0xff, '\r', '\n', 'm', '='}, []error{ErrMalformed}},
		{"no m= line", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"), []error{ErrNoAudio}},
		{"no c= line", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0\n"), []error{ErrMalformed}},
		{"c= host name", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 pbx.example.com\nt=0 0\nm=audio 5000 RTP/AVP 0\n"), []error{ErrMalformed}},
		{"video only", crlf("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\nm=video 5000 RTP/AVP 31\n"), []error{ErrNoAudio}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, n, err := Answer(tt.offer, testLocal())
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if b != nil || !reflect.DeepEqual(n, Negotiated{}) {
				t.Errorf("got an answer with an error: %q %+v", b, n)
			}
		})
	}
}

func TestAnswerText(t *testing.T) {
	l := testLocal()
	l.SessionID, l.Version = 77, 3
	b, _, err := Answer(crlf(videoOffer), l)
	if err != nil {
		t.Fatal(err)
	}
	want := string(crlf(`
v=0
o=- 77 3 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=video 0 RTP/AVP 96 97
m=audio 40000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=ptime:20
a=sendrecv
a=rtcp:40001
`))
	if string(b) != want {
		t.Errorf("answer:\n%s\nwant:\n%s", b, want)
	}
}

package sdp

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// session builds the session-level part we send: o=, s=-, c=, t=0 0.
func session(l Local) *sdp.SessionDescription {
	at, addr := addrType(l.Addr), l.Addr.String()
	return &sdp.SessionDescription{
		Origin: sdp.Origin{
			Username:       l.Username,
			SessionID:      l.SessionID,
			SessionVersion: l.Version,
			NetworkType:    "IN",
			AddressType:    at,
			UnicastAddress: addr,
		},
		SessionName: "-",
		ConnectionInformation: &sdp.ConnectionInformation{
			NetworkType: "IN",
			AddressType: at,
			Address:     &sdp.Address{Address: addr},
		},
		TimeDescriptions: []sdp.TimeDescription{{}}, // t=0 0: unbounded
	}
}

func addrType(a netip.Addr) string {
	if a.Is4() {
		return "IP4"
	}
	return "IP6"
}

// audio builds our m=audio section on profile carrying fs in that order.
// The transport attributes are writeTransport's.
func audio(l Local, fs []format, dir Direction, profile string) *sdp.MediaDescription {
	m := &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media:  "audio",
		Port:   sdp.RangedPort{Value: l.RTPPort},
		Protos: strings.Split(profile, "/"),
	}}
	for _, f := range fs {
		pt := strconv.Itoa(int(f.pt))
		m.MediaName.Formats = append(m.MediaName.Formats, pt)
		// rtpmap even for static PTs: cheap, and some peers want it.
		m.Attributes = append(m.Attributes, sdp.NewAttribute("rtpmap", pt+" "+f.encoding()))
		if f.fmtp != "" {
			m.Attributes = append(m.Attributes, sdp.NewAttribute("fmtp", pt+" "+f.fmtp))
		}
	}
	m.Attributes = append(m.Attributes,
		sdp.NewAttribute("ptime", strconv.Itoa(l.Ptime)),
		sdp.NewPropertyAttribute(string(dir)),
		// Explicit RTCP port (RFC 3605) helps peers behind NAT-fixing SBCs.
		sdp.NewAttribute("rtcp", strconv.Itoa(l.RTPPort+1)),
	)
	return m
}

// encoding is the rtpmap value after the PT: name/rate[/channels].
func (f format) encoding() string {
	s := f.name + "/" + strconv.Itoa(f.rate)
	if f.channels > 1 {
		s += "/" + strconv.Itoa(f.channels)
	}
	return s
}

// rejected answers an offered stream we do not take: same media, proto and
// formats, port 0 (RFC 3264 6).
func rejected(offered *sdp.MediaDescription) *sdp.MediaDescription {
	return &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media:   offered.MediaName.Media,
		Protos:  offered.MediaName.Protos,
		Formats: offered.MediaName.Formats,
	}}
}

func marshal(s *sdp.SessionDescription) ([]byte, error) {
	b, err := s.Marshal()
	if err != nil {
		return nil, fmt.Errorf("sdp: marshal: %w", err)
	}
	return b, nil
}

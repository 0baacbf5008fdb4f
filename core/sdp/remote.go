package sdp

import (
	"bytes"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// remote is the peer's audio stream, digested.
type remote struct {
	session struct{ ID, Version uint64 }
	addr    netip.AddrPort
	rtcp    netip.AddrPort
	// formats are the m= line's payload formats we could identify, in the
	// peer's order; dynamic PTs without an rtpmap are left out.
	formats  []format
	ptime    int       // a=ptime in ms, 0 if absent or unreadable
	maxptime int       // a=maxptime in ms, 0 if absent or unreadable
	dir      Direction // the peer's direction, old-style hold applied
}

// Limits on what a peer's SDP may hold: a real offer has an audio line,
// a video line or two, and a few dozen attributes each; more is a flood.
const (
	MaxBody       = 16 << 10 // bytes
	MaxMediaLines = 8
)

func parse(b []byte) (*sdp.SessionDescription, error) {
	if len(b) > MaxBody {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrMalformed, len(b), MaxBody)
	}
	// Counted before parsing: pion would build every one of them.
	if n := countMediaLines(b); n > MaxMediaLines {
		return nil, fmt.Errorf("%w: %d media lines, more than %d", ErrMalformed, n, MaxMediaLines)
	}
	var s sdp.SessionDescription
	if err := s.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	// The parser lets an empty body or a lone v= through.
	if s.Origin.NetworkType == "" {
		return nil, fmt.Errorf("%w: no o= line", ErrMalformed)
	}
	return &s, nil
}

// countMediaLines counts the lines that start with "m=".
func countMediaLines(b []byte) int {
	n := 0
	if bytes.HasPrefix(b, []byte("m=")) {
		n++
	}
	return n + bytes.Count(b, []byte("\nm="))
}

func profile(m *sdp.MediaDescription) string { return strings.Join(m.MediaName.Protos, "/") }

// pickAudio returns the index of the first enabled audio stream on a
// profile we know, plain or secure. With ours, for an answer, it skips
// SRTP streams ours has no keys for: a peer may offer a plain stream
// after an encrypted one as its fallback.
func pickAudio(s *sdp.SessionDescription, ours *Transport) (int, error) {
	other, why := "", ""
	for i, m := range s.MediaDescriptions {
		if m.MediaName.Media != "audio" || m.MediaName.Port.Value == 0 {
			continue
		}
		p := canonicalProfile(profile(m))
		switch {
		case p == "":
			if other == "" {
				other = profile(m)
			}
		case ours == nil:
			return i, nil
		default:
			w := answerable(p, *ours)
			if w == "" {
				return i, nil
			}
			if why == "" {
				why = w
			}
		}
	}
	switch {
	case why != "":
		return -1, fmt.Errorf("%w: %w: %s", ErrNoAudio, ErrUnsupportedProfile, why)
	case other != "":
		return -1, fmt.Errorf("%w: %w: %s not supported", ErrNoAudio, ErrUnsupportedProfile, other)
	}
	return -1, fmt.Errorf("%w: no enabled audio stream", ErrNoAudio)
}

// digest reads media section i of s. known maps PTs the peer uses without
// an rtpmap to what they mean (our offer's PTs when reading an answer).
func digest(s *sdp.SessionDescription, i int, known map[uint8]format) (remote, error) {
	m := s.MediaDescriptions[i]
	var r remote
	r.session.ID, r.session.Version = s.Origin.SessionID, s.Origin.SessionVersion
	ci := m.ConnectionInformation // media-level c= overrides session-level
	if ci == nil {
		ci = s.ConnectionInformation
	}
	if ci == nil || ci.Address == nil {
		return r, fmt.Errorf("%w: no c= line for the audio stream", ErrMalformed)
	}
	host, _, _ := strings.Cut(ci.Address.Address, "/") // multicast TTL
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return r, fmt.Errorf("%w: c= address: %w", ErrMalformed, err)
	}
	ip = ip.Unmap()
	port := uint16(m.MediaName.Port.Value)
	r.addr = netip.AddrPortFrom(ip, port)
	r.rtcp = rtcpAddr(m, ip, port)
	r.formats = formats(m, known)
	r.ptime = intAttr(s, m, "ptime")
	r.maxptime = intAttr(s, m, "maxptime")
	r.dir = direction(s, m)
	if ip.IsUnspecified() {
		// RFC 2543 hold: "do not send to me", so the peer only sends.
		r.dir = directionOf(r.dir.Sends(), false)
	}
	return r, nil
}

// rtcpAddr reads a=rtcp:<port> [IN IP4 <addr>] (RFC 3605), else port+1.
func rtcpAddr(m *sdp.MediaDescription, ip netip.Addr, port uint16) netip.AddrPort {
	if v, ok := m.Attribute("rtcp"); ok {
		f := strings.Fields(v)
		if len(f) > 0 {
			if p, err := strconv.ParseUint(f[0], 10, 16); err == nil && p > 0 {
				if len(f) >= 4 {
					if a, err := netip.ParseAddr(f[3]); err == nil {
						ip = a.Unmap()
					}
				}
				return netip.AddrPortFrom(ip, uint16(p))
			}
		}
	}
	if port == 0 || port == 65535 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ip, port+1)
}

// formats resolves the m= line's PTs through a=rtpmap, then known, then
// the static table of RFC 3551, and attaches a=fmtp.
func formats(m *sdp.MediaDescription, known map[uint8]format) []format {
	maps := make(map[uint8]format)
	fmtps := make(map[uint8]string)
	for _, a := range m.Attributes {
		switch a.Key {
		case "rtpmap":
			if f, ok := parseRtpmap(a.Value); ok {
				if _, dup := maps[f.pt]; !dup {
					maps[f.pt] = f
				}
			}
		case "fmtp":
			if pt, rest, ok := splitPT(a.Value); ok {
				if _, dup := fmtps[pt]; !dup {
					fmtps[pt] = rest
				}
			}
		}
	}
	var fs []format
	seen := make(map[uint8]bool)
	for _, s := range m.MediaName.Formats {
		n, err := strconv.ParseUint(s, 10, 8)
		if err != nil || n > 127 || seen[uint8(n)] {
			continue
		}
		pt := uint8(n)
		seen[pt] = true
		f, ok := maps[pt]
		if !ok {
			f, ok = known[pt]
		}
		if !ok {
			f, ok = static(pt)
		}
		if !ok {
			continue // a dynamic PT we cannot name is of no use
		}
		f.pt, f.fmtp = pt, fmtps[pt]
		fs = append(fs, f)
	}
	return fs
}

// static names the RFC 3551 static payload types a peer may list without
// an rtpmap. Only the ones SIP phones still use.
func static(pt uint8) (format, bool) {
	name := ""
	switch pt {
	case 0:
		name = "PCMU"
	case 3:
		name = "GSM"
	case 4:
		name = "G723"
	case 8:
		name = "PCMA"
	case 9:
		name = "G722" // 8000 is the RTP clock, not the sample rate
	case 18:
		name = "G729"
	default:
		return format{}, false
	}
	return format{pt: pt, name: name, rate: 8000, channels: 1}, true
}

// parseRtpmap reads "<pt> <name>/<rate>[/<channels>]".
func parseRtpmap(v string) (format, bool) {
	pt, enc, ok := splitPT(v)
	if !ok {
		return format{}, false
	}
	parts := strings.Split(enc, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return format{}, false
	}
	rate, err := strconv.Atoi(strings.TrimSpace(parts[1]))
	if err != nil || rate <= 0 {
		return format{}, false
	}
	ch := 1
	if len(parts) == 3 {
		if ch, err = strconv.Atoi(strings.TrimSpace(parts[2])); err != nil || ch <= 0 {
			return format{}, false
		}
	}
	return format{pt: pt, name: strings.TrimSpace(parts[0]), rate: rate, channels: ch}, true
}

// splitPT splits "<pt> <rest>" as in rtpmap and fmtp values.
func splitPT(v string) (uint8, string, bool) {
	v = strings.TrimSpace(v)
	i := strings.IndexAny(v, " \t")
	if i < 0 {
		return 0, "", false
	}
	n, err := strconv.ParseUint(v[:i], 10, 8)
	if err != nil || n > 127 {
		return 0, "", false
	}
	return uint8(n), strings.TrimSpace(v[i:]), true
}

// direction reads the media-level direction, else the session-level one
// (RFC 3264 5.1), else sendrecv.
func direction(s *sdp.SessionDescription, m *sdp.MediaDescription) Direction {
	for _, attrs := range [][]sdp.Attribute{m.Attributes, s.Attributes} {
		for _, a := range attrs {
			if d := Direction(a.Key); d.valid() {
				return d
			}
		}
	}
	return SendRecv
}

// intAttr reads a whole-ms attribute such as ptime, media level first.
// Some phones write "20.0"; anything unreadable counts as absent.
func intAttr(s *sdp.SessionDescription, m *sdp.MediaDescription, key string) int {
	v, ok := m.Attribute(key)
	if !ok {
		if v, ok = s.Attribute(key); !ok {
			return 0
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(f >= 1 && f <= 1000) { // also rejects NaN
		return 0
	}
	return int(f)
}

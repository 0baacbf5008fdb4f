package sdp

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// Profiles (the m= line's proto field).
const (
	ProfileAVP   = "RTP/AVP"
	ProfileAVPF  = "RTP/AVPF"
	ProfileSAVP  = "RTP/SAVP"
	ProfileSAVPF = "RTP/SAVPF"
	ProfileDTLS  = "UDP/TLS/RTP/SAVP"
	ProfileDTLSF = "UDP/TLS/RTP/SAVPF"
)

// profiles are the ones we can carry audio on, in canonical spelling.
var profiles = [...]string{ProfileAVP, ProfileAVPF, ProfileSAVP, ProfileSAVPF, ProfileDTLS, ProfileDTLSF}

// Transport is a stream's transport and security attributes, as offered or
// answered. This package only carries the values; generating keys,
// checking fingerprints and deciding what is acceptable is the caller's.
type Transport struct {
	Profile     string   // m= proto; "" means RTP/AVP
	Crypto      []string // a=crypto values in order, e.g. "1 AES_CM_128_HMAC_SHA1_80 inline:KEY" (RFC 4568)
	Fingerprint string   // a=fingerprint value, e.g. "sha-256 AB:CD:..." (RFC 8122)
	Setup       string   // a=setup: "actpass", "active", "passive" (RFC 4145/5763); "" none
	ICE         *ICE     // nil: no ICE attributes
	RTCPMux     bool     // a=rtcp-mux (RFC 5761)
	RTCPMuxOnly bool     // a=rtcp-mux-only (RFC 8858)
}

// ICE is a stream's ICE attributes (RFC 8839).
type ICE struct {
	Ufrag, Pwd      string
	Candidates      []string // a=candidate values (everything after "candidate:")
	EndOfCandidates bool
	Lite            bool // a=ice-lite (session level)
}

// The a=setup roles of RFC 4145 that DTLS-SRTP uses (RFC 5763 5).
const (
	setupActPass = "actpass"
	setupActive  = "active"
	setupPassive = "passive"
)

// Secure reports whether the stream asks for encryption: an SRTP profile,
// or keys (a=crypto) or a certificate (a=fingerprint) on any profile, as
// in a best-effort RTP/AVP offer with a=crypto.
func (t Transport) Secure() bool {
	return IsSecureProfile(t.Profile) || len(t.Crypto) > 0 || t.Fingerprint != ""
}

// IsSecureProfile reports whether p is one of the SRTP profiles: RTP/SAVP,
// RTP/SAVPF, UDP/TLS/RTP/SAVP or UDP/TLS/RTP/SAVPF (any letter case).
func IsSecureProfile(p string) bool {
	switch canonicalProfile(p) {
	case ProfileSAVP, ProfileSAVPF, ProfileDTLS, ProfileDTLSF:
		return true
	}
	return false
}

// isDTLSProfile reports whether p keys SRTP with DTLS (RFC 5764) rather
// than with a=crypto (RFC 4568).
func isDTLSProfile(p string) bool {
	p = canonicalProfile(p)
	return p == ProfileDTLS || p == ProfileDTLSF
}

// canonicalProfile returns our spelling of p, or "" if we do not know it.
// Proto tokens are compared without case: some peers write "rtp/avp".
func canonicalProfile(p string) string {
	for _, k := range profiles {
		if strings.EqualFold(p, k) {
			return k
		}
	}
	return ""
}

// profileOr returns p, or RTP/AVP for "".
func profileOr(p string) string {
	if p == "" {
		return ProfileAVP
	}
	return p
}

// validTransport checks what we would write: values must not break the
// SDP text, and the known tokens must be the known words.
func validTransport(t Transport) error {
	if t.Profile != "" && canonicalProfile(t.Profile) != t.Profile {
		return fmt.Errorf("%w: profile %q", errInvalidLocal, t.Profile)
	}
	for i, c := range t.Crypto {
		if badValue(c) { // the value holds a key: keep it out of errors
			return fmt.Errorf("%w: crypto value %d empty or with CR/LF", errInvalidLocal, i)
		}
	}
	if t.Fingerprint != "" && badValue(t.Fingerprint) {
		return fmt.Errorf("%w: fingerprint %q", errInvalidLocal, t.Fingerprint)
	}
	switch t.Setup {
	case "", setupActPass, setupActive, setupPassive:
	default:
		return fmt.Errorf("%w: setup %q", errInvalidLocal, t.Setup)
	}
	if t.ICE == nil {
		return nil
	}
	// ice-char is ALPHA / DIGIT / "+" / "/" (RFC 8839 9.1): no blanks.
	if t.ICE.Ufrag == "" || strings.ContainsAny(t.ICE.Ufrag, " \t\r\n") ||
		t.ICE.Pwd == "" || strings.ContainsAny(t.ICE.Pwd, " \t\r\n") {
		return fmt.Errorf("%w: ICE ufrag %q / pwd", errInvalidLocal, t.ICE.Ufrag)
	}
	for _, c := range t.ICE.Candidates {
		if badValue(c) {
			return fmt.Errorf("%w: candidate %q", errInvalidLocal, c)
		}
	}
	return nil
}

// badValue reports an attribute value that is empty or would end the line.
func badValue(v string) bool {
	return strings.TrimSpace(v) == "" || strings.ContainsAny(v, "\r\n")
}

// readTransport digests the transport attributes of media section m of s,
// with the session-level ones that RFC 8122, 4145 and 8839 allow there
// filling in what the media level lacks. Profile is canonical when known.
func readTransport(s *sdp.SessionDescription, m *sdp.MediaDescription) Transport {
	t := Transport{Profile: profile(m)}
	if c := canonicalProfile(t.Profile); c != "" {
		t.Profile = c
	}
	both := func(key string) (string, bool) {
		if v, ok := firstValue(m.Attributes, key); ok {
			return v, true
		}
		return firstValue(s.Attributes, key)
	}
	for _, a := range m.Attributes {
		switch a.Key {
		case "crypto":
			if v, ok := clean(a.Value); ok {
				t.Crypto = append(t.Crypto, v)
			}
		case "rtcp-mux":
			t.RTCPMux = true
		case "rtcp-mux-only":
			t.RTCPMuxOnly = true
		}
	}
	t.Fingerprint, _ = both("fingerprint")
	t.Setup, _ = both("setup")

	var ice ICE
	found := false
	if v, ok := both("ice-ufrag"); ok {
		ice.Ufrag, found = v, true
	}
	if v, ok := both("ice-pwd"); ok {
		ice.Pwd, found = v, true
	}
	if has(s.Attributes, "ice-lite") {
		ice.Lite, found = true, true
	}
	for _, a := range m.Attributes {
		switch a.Key {
		case "candidate":
			if v, ok := clean(a.Value); ok {
				ice.Candidates = append(ice.Candidates, v)
				found = true
			}
		case "end-of-candidates":
			ice.EndOfCandidates, found = true, true
		}
	}
	// RFC 8840 allows end-of-candidates at the session level too.
	if has(s.Attributes, "end-of-candidates") {
		ice.EndOfCandidates, found = true, true
	}
	if found {
		t.ICE = &ice
	}
	return t
}

// firstValue returns the first usable value of an attribute called key.
func firstValue(attrs []sdp.Attribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Key == key {
			if v, ok := clean(a.Value); ok {
				return v, true
			}
		}
	}
	return "", false
}

// has reports whether an attribute called key is present, value or not.
func has(attrs []sdp.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// clean trims an attribute value and refuses an empty one or one with a
// CR inside: pion splits lines at LF only, and such a value passed on
// would break the SDP or log lines of whoever writes it next.
func clean(v string) (string, bool) {
	v = strings.TrimSpace(v)
	return v, !badValue(v)
}

// writeTransport adds t's media-level attributes to m, and a=ice-lite to
// s. answer says m answers an offer, offerMux whether that offer had
// a=rtcp-mux: an answer accepts multiplexing only then, and never writes
// a=rtcp-mux-only (RFC 8858 keeps it to offers). RFC 8858 also wants
// a=rtcp-mux beside a=rtcp-mux-only, so RTCPMuxOnly implies it. The a=rtcp
// line already in m is pointed at the RTP port when RTCP is sure to share
// it: with rtcp-mux-only, or in an answer that accepts rtcp-mux.
func writeTransport(s *sdp.SessionDescription, m *sdp.MediaDescription, t Transport, rtpPort int, answer, offerMux bool) {
	mux := t.RTCPMux || t.RTCPMuxOnly
	shared := false
	switch {
	case answer && mux && offerMux:
		m.Attributes = append(m.Attributes, sdp.NewPropertyAttribute("rtcp-mux"))
		shared = true
	case !answer && mux:
		m.Attributes = append(m.Attributes, sdp.NewPropertyAttribute("rtcp-mux"))
		if t.RTCPMuxOnly {
			m.Attributes = append(m.Attributes, sdp.NewPropertyAttribute("rtcp-mux-only"))
			shared = true
		}
	}
	if shared {
		for i, a := range m.Attributes {
			if a.Key == "rtcp" {
				m.Attributes[i].Value = strconv.Itoa(rtpPort)
			}
		}
	}
	for _, c := range t.Crypto {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("crypto", strings.TrimSpace(c)))
	}
	if t.Fingerprint != "" {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("fingerprint", strings.TrimSpace(t.Fingerprint)))
	}
	if t.Setup != "" {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("setup", t.Setup))
	}
	if t.ICE == nil {
		return
	}
	if t.ICE.Lite {
		s.Attributes = append(s.Attributes, sdp.NewPropertyAttribute("ice-lite"))
	}
	m.Attributes = append(m.Attributes,
		sdp.NewAttribute("ice-ufrag", t.ICE.Ufrag),
		sdp.NewAttribute("ice-pwd", t.ICE.Pwd))
	for _, c := range t.ICE.Candidates {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("candidate", strings.TrimSpace(c)))
	}
	if t.ICE.EndOfCandidates {
		m.Attributes = append(m.Attributes, sdp.NewPropertyAttribute("end-of-candidates"))
	}
}

// answerable reports why we cannot answer the offered secure profile with
// l, or "" if we can: an SRTP profile needs keys in the answer, a=crypto
// for RTP/SAVP(F) and a=fingerprint for UDP/TLS/RTP/SAVP(F). Without them
// the answer would promise encryption we cannot do, so a plain Local
// declines SRTP streams.
func answerable(offered string, l Transport) string {
	switch {
	case !IsSecureProfile(offered):
		return ""
	case isDTLSProfile(offered) && l.Fingerprint == "":
		return offered + " offered, no local a=fingerprint"
	case !isDTLSProfile(offered) && len(l.Crypto) == 0:
		return offered + " offered, no local a=crypto"
	}
	return ""
}

// profileAccepted reports whether an answer on profile got fits our offer
// t: the same profile, or plain RTP/AVP(F) to a best-effort SDES offer
// (RTP/AVP with a=crypto, opportunistic SRTP of RFC 8643, which a plain
// peer answers without keys).
func profileAccepted(t Transport, got string) bool {
	want := profileOr(t.Profile)
	if got == want {
		return true
	}
	return want == ProfileAVP && len(t.Crypto) > 0 && slices.Contains([]string{ProfileAVP, ProfileAVPF}, got)
}

package sdp

import (
	"fmt"
	"net/netip"
	"strings"
)

// Video streams ride beside the one audio stream: Offer writes them after
// the audio, one m=video each; Answer pairs the offer's m=video lines with
// Local.Video and rejects the rest (port 0) without failing the call.
// Every video payload format runs on the 90 kHz clock (RFC 3551 5).
const videoClock = 90000

// RTCP feedback values (a=rtcp-fb, RFC 4585, 5104, 8888 and the
// draft-alvestrand REMB) that Feedback reports. Others pass through
// VideoLocal.Feedback untouched but set no Feedback field.
const (
	FeedbackNACK        = "nack"
	FeedbackPLI         = "nack pli"
	FeedbackFIR         = "ccm fir"
	FeedbackREMB        = "goog-remb"
	FeedbackTransportCC = "transport-cc"
)

// Content labels of RFC 4796 that callers use; a=content is free text.
const (
	ContentMain   = "main"
	ContentSlides = "slides"
)

// VideoCodec is one video payload format as we offer or answer it.
type VideoCodec struct {
	Name        string // RTP encoding name: "VP8", "H264"
	PayloadType uint8  // the PT we offer
	// Fmtp is our a=fmtp, "" for none: VP8 "max-fs=3600;max-fr=30" (what
	// we can receive), H.264 "profile-level-id=42e01f;packetization-mode=1".
	Fmtp string
}

// VideoLocal is one video stream of ours, in Local.Video.
type VideoLocal struct {
	// RTPPort we receive on; RTCP goes to RTPPort+1 unless multiplexed.
	// It may be 0 when Disabled.
	RTPPort int
	// Disabled writes (in an offer) or answers the stream with port 0:
	// how a stream is removed in a re-offer, since m= lines never go
	// away (RFC 3264 8.2). Codecs are still needed for the offer's m= line.
	Disabled  bool
	Codecs    []VideoCodec // preference order, at least one
	Direction Direction    // "" means sendrecv
	// Content is the a=content label (RFC 4796): "" writes none and pairs
	// with an offered stream that has none or "main"; "slides" pairs
	// only with "slides".
	Content string
	// Transport is this stream's own keys, fingerprint, ICE and
	// rtcp-mux, with the same rules as Local.Transport.
	Transport Transport
	// MaxBitrate is what we want to receive at most, bits/s: written as
	// b=TIAS and b=AS (kbit/s, rounded up); 0 writes neither.
	MaxBitrate int
	// Feedback lists the a=rtcp-fb values we take for every codec (see
	// the Feedback constants). An offer writes them with PT "*", an
	// answer only those the offer also lists, on the chosen PT.
	Feedback []string
}

// VideoNegotiated is the outcome for one video stream of the exchange.
type VideoNegotiated struct {
	Index int // the stream's m= line index in the SDP (0 is the first line)
	// Local is the index in Local.Video of our stream paired with it; -1
	// when none was (Answer found none to match, so Disabled).
	Local int
	// Disabled means there is no such stream now: port 0 on either side,
	// no paired VideoLocal or no common codec. Only Index, Local and
	// Content are set then.
	Disabled bool
	Content  string // the offer's a=content label for the stream, "" none
	// Remote and RemoteRTCP are where to send RTP and RTCP, as for audio.
	Remote, RemoteRTCP netip.AddrPort
	// Codec is ours for the chosen format, except PayloadType is the one
	// the peer uses: send with it. RecvPT is the one we expect.
	Codec  VideoCodec
	RecvPT uint8
	// RemoteFmtp is the peer's a=fmtp for Codec.
	RemoteFmtp string
	// Feedback is the RTCP feedback both sides listed for Codec's format
	// (the peer's a=rtcp-fb for that PT or "*", that we list too): what
	// we may send it and what it may send us.
	Feedback Feedback
	// Direction is OUR direction after negotiation, as for audio.
	Direction Direction
	// MaxBitrate is the peer's b=TIAS, else b=AS*1000, for the stream,
	// bits/s; 0 when it says none.
	MaxBitrate int
	// What the peer can receive, 0 when it does not say: MaxWidth and
	// MaxHeight from its a=imageattr recv sets (RFC 6236) for the PT or
	// "*", the largest x and y listed; MaxFS (macroblocks per frame) and
	// MaxFR (frames/s) from its fmtp max-fs and max-fr (RFC 7741, 6184).
	MaxWidth, MaxHeight, MaxFS, MaxFR int
	// Transport is the peer's transport attributes for this stream.
	Transport Transport
}

// Feedback is a set of RTCP feedback messages the two sides agreed on.
type Feedback struct {
	NACK        bool // generic NACK (RFC 4585): ask for lost packets again
	PLI         bool // picture loss indication: ask for a key frame
	FIR         bool // full intra request (RFC 5104): ask for a key frame
	REMB        bool // receiver-estimated maximum bitrate
	TransportCC bool // transport-wide congestion control feedback
}

// VideoOffer is one m=video line of a remote offer, for the caller to
// prepare a VideoLocal (ports, keys, ICE) before calling Answer.
type VideoOffer struct {
	Index int // m= line index
	// Disabled means Answer rejects it whatever Local.Video holds: port 0
	// or a transport profile we do not know.
	Disabled  bool
	Content   string    // a=content, "" none
	Transport Transport // as ReadOffer reads the audio's
}

// normalizeVideo fills the defaults of vs into a copy and rejects what
// would produce bad SDP.
func normalizeVideo(vs []VideoLocal) ([]VideoLocal, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	out := make([]VideoLocal, len(vs))
	for i, v := range vs {
		if v.Direction == "" {
			v.Direction = SendRecv
		}
		switch {
		case v.Disabled && v.RTPPort == 0:
		case v.RTPPort < 1 || v.RTPPort > 65534:
			return nil, fmt.Errorf("%w: video %d: RTP port %d", errInvalidLocal, i, v.RTPPort)
		}
		if !v.Direction.valid() {
			return nil, fmt.Errorf("%w: video %d: direction %q", errInvalidLocal, i, v.Direction)
		}
		if v.Content != "" && strings.ContainsAny(v.Content, " \t\r\n") {
			return nil, fmt.Errorf("%w: video %d: content %q", errInvalidLocal, i, v.Content)
		}
		if v.MaxBitrate < 0 || v.MaxBitrate > maxBitrate {
			return nil, fmt.Errorf("%w: video %d: bitrate %d", errInvalidLocal, i, v.MaxBitrate)
		}
		if len(v.Codecs) == 0 {
			return nil, fmt.Errorf("%w: video %d: no codecs", errInvalidLocal, i)
		}
		seen := make(map[uint8]bool, len(v.Codecs))
		for _, c := range v.Codecs {
			switch {
			case c.Name == "" || strings.ContainsAny(c.Name, " /\t\r\n"),
				c.PayloadType > 127, strings.ContainsAny(c.Fmtp, "\r\n"):
				return nil, fmt.Errorf("%w: video %d: codec %+v", errInvalidLocal, i, c)
			case seen[c.PayloadType]:
				return nil, fmt.Errorf("%w: video %d: payload type %d used twice", errInvalidLocal, i, c.PayloadType)
			}
			seen[c.PayloadType] = true
		}
		fb := make([]string, 0, len(v.Feedback))
		for _, f := range v.Feedback {
			if badValue(f) {
				return nil, fmt.Errorf("%w: video %d: feedback %q", errInvalidLocal, i, f)
			}
			fb = append(fb, feedbackKey(f))
		}
		v.Feedback = fb
		if err := validTransport(v.Transport); err != nil {
			return nil, fmt.Errorf("video %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// maxBitrate bounds bit rates read or written: 1 Tbit/s is no limit at
// all, and keeps b=AS*1000 far from overflowing.
const maxBitrate = 1 << 40

// sameContent reports whether an offered a=content label pairs with ours:
// none and "main" are the same, other labels compare without case.
func sameContent(offered, ours string) bool {
	norm := func(c string) string {
		if c == "" {
			return ContentMain
		}
		return strings.ToLower(c)
	}
	return norm(offered) == norm(ours)
}

// feedbackKey is an a=rtcp-fb value in the form we compare: lower case,
// single spaces ("NACK  PLI" is "nack pli").
func feedbackKey(v string) string { return strings.ToLower(strings.Join(strings.Fields(v), " ")) }

// feedbackOf sets the Feedback fields of the values in keys.
func feedbackOf(keys []string) Feedback {
	var f Feedback
	for _, k := range keys {
		switch k {
		case FeedbackNACK:
			f.NACK = true
		case FeedbackPLI:
			f.PLI = true
		case FeedbackFIR:
			f.FIR = true
		case FeedbackREMB:
			f.REMB = true
		case FeedbackTransportCC:
			f.TransportCC = true
		}
	}
	return f
}

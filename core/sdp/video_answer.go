package sdp

import (
	"strconv"

	"github.com/pion/sdp/v3"
)

// answerVideo answers the offer's m=video lines with l.Video. ms[j] is
// our section for offer line j, nil for lines that are not video; vn has
// one entry per offered video stream, in offer order; lite says a=ice-lite
// is due (see addLite).
//
// Each offered stream takes the first VideoLocal not yet used whose
// Content pairs with its a=content and that can answer it: a disabled one
// (answered with port 0, as a re-offer removing the stream), or one with
// keys for its profile (see answerable) and a codec in common (see
// chooseVideo). A stream nothing takes is rejected with port 0; video
// never fails the call.
func answerVideo(s *sdp.SessionDescription, l Local) (ms []*sdp.MediaDescription, vn []VideoNegotiated, lite bool) {
	ms = make([]*sdp.MediaDescription, len(s.MediaDescriptions))
	used := make([]bool, len(l.Video))
	for j, m := range s.MediaDescriptions {
		if m.MediaName.Media != "video" {
			continue
		}
		n, md, wantLite := answerOneVideo(s, j, l.Video, used)
		ms[j], lite = md, lite || wantLite
		vn = append(vn, n)
	}
	return ms, vn, lite
}

func answerOneVideo(s *sdp.SessionDescription, j int, vs []VideoLocal, used []bool) (VideoNegotiated, *sdp.MediaDescription, bool) {
	m := s.MediaDescriptions[j]
	n := VideoNegotiated{Index: j, Local: -1, Disabled: true, Content: contentOf(m)}
	p := canonicalProfile(profile(m))
	r, err := digest(s, j, nil)
	if m.MediaName.Port.Value == 0 || p == "" || err != nil {
		return n, rejected(m), false
	}
	for k, v := range vs {
		if used[k] || !sameContent(n.Content, v.Content) {
			continue
		}
		if v.Disabled {
			used[k], n.Local = true, k
			return n, rejected(m), false
		}
		if answerable(p, v.Transport) != "" {
			continue
		}
		c, f, ok := chooseVideo(v.Codecs, r.formats)
		if !ok {
			continue
		}
		used[k] = true
		t := readTransport(s, m)
		fb := commonFeedback(peerFeedback(m, f.pt), v.Feedback)
		n = videoNegotiated(m, r, t, v, c, f, fb)
		n.Index, n.Local, n.RecvPT = j, k, f.pt
		md := videoMedia(v, []VideoCodec{n.Codec}, strconv.Itoa(int(f.pt)), fb, n.Direction, t.Profile)
		lite := videoTransport(md, v.Transport, v.RTPPort, true, t.RTCPMux)
		return n, md, lite
	}
	return n, rejected(m), false
}

// videoNegotiated fills what the peer's stream m (digested as r, with
// transport t) says about the format f it chose for our codec c, fb being
// the feedback both list. Index, Local and RecvPT are the caller's.
func videoNegotiated(m *sdp.MediaDescription, r remote, t Transport, v VideoLocal, c VideoCodec, f format, fb []string) VideoNegotiated {
	c.PayloadType = f.pt
	n := VideoNegotiated{
		Content:    contentOf(m),
		Remote:     r.addr,
		RemoteRTCP: r.rtcp,
		Codec:      c,
		RemoteFmtp: f.fmtp,
		Feedback:   feedbackOf(fb),
		Direction:  ours(r.dir, v.Direction),
		MaxBitrate: bitrateOf(m),
		MaxFS:      fmtpInt(f.fmtp, "max-fs"),
		MaxFR:      fmtpInt(f.fmtp, "max-fr"),
		Transport:  t,
	}
	n.MaxWidth, n.MaxHeight = imageattrRecv(m, f.pt)
	if t.RTCPMux && (v.Transport.RTCPMux || v.Transport.RTCPMuxOnly) {
		n.RemoteRTCP = r.addr
	}
	return n
}

// answeredVideo reads the answer's video streams for l.Video, one entry
// each: Offer put stream k on m= line 1+k, and the answer keeps the
// offer's lines in order (RFC 3264 6). A stream is Disabled when ours was,
// or the answer has port 0 there, lacks the line, answers on a profile we
// did not offer or keeps none of our codecs. Like the audio, the
// answer's first format that is one of our codecs is taken.
func answeredVideo(l Local, s *sdp.SessionDescription) []VideoNegotiated {
	if len(l.Video) == 0 {
		return nil
	}
	out := make([]VideoNegotiated, len(l.Video))
	for k, v := range l.Video {
		out[k] = answeredOneVideo(s, 1+k, v)
		out[k].Local = k
	}
	return out
}

func answeredOneVideo(s *sdp.SessionDescription, j int, v VideoLocal) VideoNegotiated {
	n := VideoNegotiated{Index: j, Disabled: true, Content: v.Content}
	if v.Disabled || j >= len(s.MediaDescriptions) {
		return n
	}
	m := s.MediaDescriptions[j]
	if m.MediaName.Media != "video" || m.MediaName.Port.Value == 0 {
		return n
	}
	t := readTransport(s, m)
	if canonicalProfile(t.Profile) == "" || !profileAccepted(v.Transport, t.Profile) {
		return n
	}
	known := make(map[uint8]format, len(v.Codecs))
	for _, c := range v.Codecs {
		known[c.PayloadType] = format{pt: c.PayloadType, name: c.Name, rate: videoClock, channels: 1}
	}
	r, err := digest(s, j, known)
	if err != nil {
		return n
	}
	for _, f := range r.formats {
		for _, c := range v.Codecs {
			if !f.fits(c) {
				continue
			}
			fb := commonFeedback(peerFeedback(m, f.pt), v.Feedback)
			got := videoNegotiated(m, r, t, v, c, f, fb)
			got.Index, got.RecvPT, got.Content = j, c.PayloadType, v.Content
			return got
		}
	}
	return n
}

package sdp

import (
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// offerVideo appends one m=video per l.Video to s, after the audio, so
// stream k of l.Video is m= line 1+k. A disabled stream gets port 0, its
// formats and nothing else (RFC 3264 8.2).
func offerVideo(s *sdp.SessionDescription, l Local) {
	lite := false
	for _, v := range l.Video {
		p := profileOr(v.Transport.Profile)
		if v.Disabled {
			m := &sdp.MediaDescription{MediaName: sdp.MediaName{
				Media: "video", Protos: strings.Split(p, "/")}}
			for _, c := range v.Codecs {
				m.MediaName.Formats = append(m.MediaName.Formats, strconv.Itoa(int(c.PayloadType)))
			}
			s.MediaDescriptions = append(s.MediaDescriptions, m)
			continue
		}
		m := videoMedia(v, v.Codecs, "*", v.Feedback, v.Direction, p)
		lite = videoTransport(m, v.Transport, v.RTPPort, false, false) || lite
		s.MediaDescriptions = append(s.MediaDescriptions, m)
	}
	addLite(s, lite)
}

// videoMedia builds our m=video on profile carrying cs in that order,
// with fb as a=rtcp-fb lines for fbPT ("*" or the one PT answered). The
// transport attributes are videoTransport's.
func videoMedia(v VideoLocal, cs []VideoCodec, fbPT string, fb []string, dir Direction, profile string) *sdp.MediaDescription {
	m := &sdp.MediaDescription{MediaName: sdp.MediaName{
		Media:  "video",
		Port:   sdp.RangedPort{Value: v.RTPPort},
		Protos: strings.Split(profile, "/"),
	}}
	if v.MaxBitrate > 0 {
		m.Bandwidth = []sdp.Bandwidth{
			{Type: "TIAS", Bandwidth: uint64(v.MaxBitrate)},
			{Type: "AS", Bandwidth: uint64((v.MaxBitrate + 999) / 1000)},
		}
	}
	for _, c := range cs {
		pt := strconv.Itoa(int(c.PayloadType))
		m.MediaName.Formats = append(m.MediaName.Formats, pt)
		m.Attributes = append(m.Attributes, sdp.NewAttribute("rtpmap", pt+" "+c.Name+"/"+strconv.Itoa(videoClock)))
		if c.Fmtp != "" {
			m.Attributes = append(m.Attributes, sdp.NewAttribute("fmtp", pt+" "+strings.TrimSpace(c.Fmtp)))
		}
	}
	for _, f := range fb {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("rtcp-fb", fbPT+" "+f))
	}
	if v.Content != "" {
		m.Attributes = append(m.Attributes, sdp.NewAttribute("content", v.Content))
	}
	m.Attributes = append(m.Attributes,
		sdp.NewPropertyAttribute(string(dir)),
		sdp.NewAttribute("rtcp", strconv.Itoa(v.RTPPort+1)),
	)
	return m
}

// videoTransport writes t's media-level attributes into m as
// writeTransport does for audio, and reports whether t asks for the
// session-level a=ice-lite, which addLite writes once for all streams.
func videoTransport(m *sdp.MediaDescription, t Transport, rtpPort int, answer, offerMux bool) bool {
	var scratch sdp.SessionDescription
	writeTransport(&scratch, m, t, rtpPort, answer, offerMux)
	return has(scratch.Attributes, "ice-lite")
}

// addLite writes a=ice-lite into s if lite and the audio has not already.
func addLite(s *sdp.SessionDescription, lite bool) {
	if lite && !has(s.Attributes, "ice-lite") {
		s.Attributes = append(s.Attributes, sdp.NewPropertyAttribute("ice-lite"))
	}
}

// ReadOfferVideo digests the far end's offer for its video streams: one
// VideoOffer per m=video line, in order, with each stream's transport
// attributes read as ReadOffer reads the audio's. The caller prepares one
// VideoLocal per enabled VideoOffer, in the same order and with the same
// Content, and Answer pairs them up. An offer without video gives none.
//
// Errors: ErrMalformed.
func ReadOfferVideo(offer []byte) ([]VideoOffer, error) {
	s, err := parse(offer)
	if err != nil {
		return nil, err
	}
	var out []VideoOffer
	for j, m := range s.MediaDescriptions {
		if m.MediaName.Media != "video" {
			continue
		}
		_, bad := digest(s, j, nil) // no c= line, say
		out = append(out, VideoOffer{
			Index:     j,
			Disabled:  m.MediaName.Port.Value == 0 || canonicalProfile(profile(m)) == "" || bad != nil,
			Content:   contentOf(m),
			Transport: readTransport(s, m),
		})
	}
	return out, nil
}

package sdp

import (
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// fits reports whether the peer's format f can carry our codec c: same
// name on the 90 kHz clock and, for H.264, a packetization and profile we
// can send and receive (see h264Fits).
func (f format) fits(c VideoCodec) bool {
	if !f.is(c.Name, videoClock, 1) {
		return false
	}
	return !strings.EqualFold(c.Name, "H264") || h264Fits(f.fmtp)
}

// chooseVideo returns the first of ours (by our preference) that fs
// carries, with the first such format in the peer's order.
func chooseVideo(ours []VideoCodec, fs []format) (VideoCodec, format, bool) {
	for _, c := range ours {
		for _, f := range fs {
			if f.fits(c) {
				return c, f, true
			}
		}
	}
	return VideoCodec{}, format{}, false
}

// h264Fits reports whether an H.264 fmtp suits our encoder and decoder:
// packetization-mode=1 (absent means 0, single NAL units only, which
// cannot carry our larger frames; RFC 6184 6.2), and a profile-level-id
// (default 42000a, Baseline) that is Baseline or Constrained Baseline as
// RFC 6184 table 5 spells them (0x42; 0x4d with constraint_set0; 0x58
// with constraint_set0 and 1), or Main or High with constraint_set1
// (0x4d, 0x64), which peers write for a decoder that also takes our
// Constrained Baseline stream. Level is not checked: MaxFS and the
// caller's encoder settings deal with picture size.
func h264Fits(fmtp string) bool {
	if v, _ := fmtpValue(fmtp, "packetization-mode"); v != "1" {
		return false
	}
	v, ok := fmtpValue(fmtp, "profile-level-id")
	if !ok {
		return true
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) != 3 {
		return false
	}
	idc, iop := b[0], b[1]
	switch {
	case idc == 0x42:
		return true
	case idc == 0x4d && iop&0x80 != 0, idc == 0x58 && iop&0xc0 == 0xc0:
		return true
	case (idc == 0x4d || idc == 0x64) && iop&0x40 != 0:
		return true
	}
	return false
}

// fmtpValue finds key in "k=v;k=v" (keys without case, values trimmed).
func fmtpValue(fmtp, key string) (string, bool) {
	for p := range strings.SplitSeq(fmtp, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// fmtpInt reads a positive whole-number fmtp parameter, 0 if absent or
// unreadable.
func fmtpInt(fmtp, key string) int {
	v, ok := fmtpValue(fmtp, key)
	if !ok {
		return 0
	}
	return positive(v)
}

// positive parses a decimal count up to 1<<30, 0 for anything else.
func positive(v string) int {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 31)
	if err != nil || n > 1<<30 {
		return 0
	}
	return int(n)
}

// contentOf reads a stream's a=content label, "" none.
func contentOf(m *sdp.MediaDescription) string {
	v, _ := firstValue(m.Attributes, "content")
	return v
}

// peerFeedback lists the a=rtcp-fb values m gives for pt or "*", in the
// comparable form of feedbackKey.
func peerFeedback(m *sdp.MediaDescription, pt uint8) []string {
	var out []string
	for _, a := range m.Attributes {
		if a.Key != "rtcp-fb" {
			continue
		}
		v := strings.TrimSpace(a.Value)
		id, rest, ok := strings.Cut(v, " ")
		if !ok || !forPT(id, pt) {
			continue
		}
		if k := feedbackKey(rest); k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// forPT reports whether an attribute's format field (a PT or "*")
// applies to pt.
func forPT(id string, pt uint8) bool {
	if id == "*" {
		return true
	}
	n, err := strconv.ParseUint(id, 10, 8)
	return err == nil && n == uint64(pt)
}

// commonFeedback keeps the values of ours, in our order, that peer has.
func commonFeedback(peer, ours []string) []string {
	var out []string
	for _, v := range ours {
		if slices.Contains(peer, v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// bitrateOf reads the stream's b=TIAS (bits/s), else b=AS (kbit/s), in
// bits/s; 0 when absent or absurd.
func bitrateOf(m *sdp.MediaDescription) int {
	as := 0
	for _, b := range m.Bandwidth {
		switch {
		case b.Experimental:
		case b.Type == "TIAS" && b.Bandwidth <= maxBitrate:
			return int(b.Bandwidth)
		case b.Type == "AS" && as == 0 && b.Bandwidth <= maxBitrate/1000:
			as = int(b.Bandwidth) * 1000
		}
	}
	return as
}

// imageattrRecv returns the largest x and y of the a=imageattr recv sets
// (RFC 6236) that m gives for pt or "*", 0 for what it does not say. A
// value is a number, a range [min:max] or [min:step:max], or a list
// [a,b,...]; what does not parse is skipped.
func imageattrRecv(m *sdp.MediaDescription, pt uint8) (w, h int) {
	for _, a := range m.Attributes {
		if a.Key != "imageattr" {
			continue
		}
		id, rest, ok := strings.Cut(strings.TrimSpace(a.Value), " ")
		if !ok || !forPT(id, pt) {
			continue
		}
		recv := false
		for _, tok := range imageattrTokens(rest) {
			switch {
			case tok == "send":
				recv = false
			case tok == "recv":
				recv = true
			case recv && strings.HasPrefix(tok, "["):
				x, y := imageSet(tok[1 : len(tok)-1])
				w, h = max(w, x), max(h, y)
			}
		}
	}
	return w, h
}

// imageattrTokens splits the text after the PT into words and bracketed
// sets, each set whole with its brackets. An unclosed set is dropped.
func imageattrTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			i++
		case c == '[':
			end := closing(s, i)
			if end < 0 {
				return toks
			}
			toks = append(toks, s[i:end+1])
			i = end + 1
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '[' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

// closing returns the index of the ']' that closes the '[' at s[i], or -1.
func closing(s string, i int) int {
	depth := 0
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '[':
			depth++
		case ']':
			if depth--; depth == 0 {
				return j
			}
		}
	}
	return -1
}

// imageSet reads the largest x and y of one set, "x=...,y=...,sar=...".
func imageSet(set string) (x, y int) {
	for _, kv := range splitTop(set) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "x":
			x = max(x, largest(v))
		case "y":
			y = max(y, largest(v))
		}
	}
	return x, y
}

// splitTop splits s at the commas outside brackets.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// largest reads an imageattr x or y value: "640", "[320:640]",
// "[320:16:640]" or "[320,480,640]"; 0 if it does not parse.
func largest(v string) int {
	v = strings.TrimSpace(v)
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") || len(v) < 2 {
		return positive(v)
	}
	v = v[1 : len(v)-1]
	if strings.Contains(v, ":") {
		parts := strings.Split(v, ":")
		return positive(parts[len(parts)-1])
	}
	n := 0
	for p := range strings.SplitSeq(v, ",") {
		n = max(n, positive(p))
	}
	return n
}

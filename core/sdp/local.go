package sdp

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/softphone/softphone/core/codec"
)

// errInvalidLocal marks a programming error in Local, not a peer problem.
var errInvalidLocal = errors.New("sdp: invalid Local")

const (
	defaultPtime = 20
	minPtime     = 10
	maxPtime     = 60

	telephoneEvent = "telephone-event"
	dtmfEvents     = "0-16" // the 16 DTMF digits and flash, RFC 4733 3.2
	firstDTMFPT    = 101    // the customary choice; peers' logs read easier
)

// format is one RTP payload format as an m= line and its rtpmap describe it.
type format struct {
	pt       uint8
	name     string
	rate     int
	channels int
	fmtp     string
}

// is reports whether f is the encoding name/rate/channels, ignoring case
// and treating a missing channel count as mono (RFC 4566 6).
func (f format) is(name string, rate, channels int) bool {
	return strings.EqualFold(f.name, name) && f.rate == rate &&
		max(f.channels, 1) == max(channels, 1)
}

func (f format) isCodec(c codec.Info) bool { return f.is(c.Name, c.ClockRate, c.Channels) }

func (f format) isDTMF(rate int) bool { return f.is(telephoneEvent, rate, 1) }

func fromCodec(c codec.Info) format {
	return format{pt: c.PayloadType, name: c.Name, rate: c.ClockRate, channels: c.Channels, fmtp: c.Fmtp}
}

// normalize fills Local's defaults and rejects what would produce bad SDP.
func normalize(l Local) (Local, error) {
	l.Addr = l.Addr.Unmap().WithZone("")
	if !l.Addr.IsValid() || l.Addr.IsUnspecified() {
		return l, fmt.Errorf("%w: address %v", errInvalidLocal, l.Addr)
	}
	if l.RTPPort < 1 || l.RTPPort > 65534 { // RTCP needs RTPPort+1
		return l, fmt.Errorf("%w: RTP port %d", errInvalidLocal, l.RTPPort)
	}
	if l.Ptime == 0 {
		l.Ptime = defaultPtime
	}
	if l.Ptime < minPtime || l.Ptime > maxPtime {
		return l, fmt.Errorf("%w: ptime %d ms", errInvalidLocal, l.Ptime)
	}
	if l.Direction == "" {
		l.Direction = SendRecv
	}
	if !l.Direction.valid() {
		return l, fmt.Errorf("%w: direction %q", errInvalidLocal, l.Direction)
	}
	if l.Username == "" {
		l.Username = "-"
	}
	if strings.ContainsAny(l.Username, " \t\r\n") {
		return l, fmt.Errorf("%w: username %q", errInvalidLocal, l.Username)
	}
	if len(l.Codecs) == 0 {
		return l, fmt.Errorf("%w: no codecs", errInvalidLocal)
	}
	if err := validTransport(l.Transport); err != nil {
		return l, err
	}
	var err error
	if l.Video, err = normalizeVideo(l.Video); err != nil {
		return l, err
	}
	seen := make(map[uint8]bool, len(l.Codecs))
	for _, c := range l.Codecs {
		switch {
		case c.Name == "" || strings.ContainsAny(c.Name, " /\t\r\n"),
			c.ClockRate <= 0, c.PayloadType > 127,
			strings.ContainsAny(c.Fmtp, "\r\n"):
			return l, fmt.Errorf("%w: codec %+v", errInvalidLocal, c)
		case seen[c.PayloadType]:
			return l, fmt.Errorf("%w: payload type %d used twice", errInvalidLocal, c.PayloadType)
		}
		seen[c.PayloadType] = true
	}
	return l, nil
}

// offered lists the payload formats of our offer in m= line order: the
// codecs by preference, then one telephone-event per clock rate. Offer and
// ParseAnswer both derive it from the same Local, so they agree on PTs.
func offered(l Local) ([]format, error) {
	fs := make([]format, 0, len(l.Codecs)+2)
	used := make(map[uint8]bool, len(l.Codecs)+2)
	for _, c := range l.Codecs {
		fs = append(fs, fromCodec(c))
		used[c.PayloadType] = true
	}
	if !l.DTMF {
		return fs, nil
	}
	// 8000 first: G.711 and G.722 peers expect telephone-event/8000.
	rates := []int{8000}
	for _, c := range l.Codecs {
		if !slices.Contains(rates, c.ClockRate) {
			rates = append(rates, c.ClockRate)
		}
	}
	for _, r := range rates {
		pt, ok := freeDynamicPT(used)
		if !ok {
			return nil, fmt.Errorf("%w: no payload type left for telephone-event/%d", errInvalidLocal, r)
		}
		used[pt] = true
		fs = append(fs, format{pt: pt, name: telephoneEvent, rate: r, channels: 1, fmtp: dtmfEvents})
	}
	return fs, nil
}

// freeDynamicPT returns the first unused PT of 101..127, then 96..100.
func freeDynamicPT(used map[uint8]bool) (uint8, bool) {
	for i := range 32 {
		pt := uint8(96 + (firstDTMFPT-96+i)%32)
		if !used[pt] {
			return pt, true
		}
	}
	return 0, false
}

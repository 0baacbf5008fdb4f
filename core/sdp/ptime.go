package sdp

import (
	"strings"

	"github.com/softphone/softphone/core/codec"
)

// sendPtime is the packet time we send with: the peer's a=ptime if it is
// within 10..60 ms, else our own, capped by its a=maxptime. It is floored
// to whole 10 ms because the audio path works in 10 ms blocks, and for
// opus to a frame size the encoder can make (RFC 6716 2.1.4).
func sendPtime(r remote, l Local, c codec.Info) int {
	p := r.ptime
	if p < minPtime || p > maxPtime {
		p = l.Ptime
	}
	if r.maxptime >= minPtime && p > r.maxptime {
		p = r.maxptime
	}
	p -= p % 10
	if strings.EqualFold(c.Name, "opus") && (p == 30 || p == 50) {
		p -= 10
	}
	return p
}

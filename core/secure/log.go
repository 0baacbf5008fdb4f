package secure

import (
	"math/bits"
)

// logDrop reports the 1st, 2nd, 4th, 8th... dropped packet: a call whose
// keys do not match drops every packet, and one line per doubling says so
// without flooding the log or allocating on the media path.
func (s *Stage) logDrop(count uint64, kind string, err error) {
	if bits.OnesCount64(count) != 1 {
		return
	}
	if err == nil {
		s.log.Debug("srtp: packet before keys dropped", "kind", kind, "dropped", count)
		return
	}
	s.log.Warn("srtp: packet dropped", "kind", kind, "dropped", count, "err", err)
}

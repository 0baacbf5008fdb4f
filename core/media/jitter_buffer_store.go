package media

// jbSlot holds one buffered packet. Its buf is reused from packet to
// packet, so steady state does not allocate.
type jbSlot struct {
	seq, ts int64 // extended; seq 0 marks a free slot
	marker  bool
	buf     []byte
}

// jbStore is a ring of slots indexed by extended sequence number. The
// caller keeps every held sequence within one ring length of the head.
type jbStore struct {
	slots []jbSlot
	n     int // slots in use
}

func newJBStore(size int) jbStore {
	backing := make([]byte, size*jbPayloadCap)
	s := jbStore{slots: make([]jbSlot, size)}
	for i := range s.slots {
		// Capped so that a bigger payload reallocates instead of spilling
		// into the neighbour.
		s.slots[i].buf = backing[i*jbPayloadCap : i*jbPayloadCap : (i+1)*jbPayloadCap]
	}
	return s
}

func (s *jbStore) at(seq int64) *jbSlot { return &s.slots[seq&int64(len(s.slots)-1)] }

// get returns the packet with this sequence number, or nil.
func (s *jbStore) get(seq int64) *jbSlot {
	if sl := s.at(seq); sl.seq == seq {
		return sl
	}
	return nil
}

func (s *jbStore) put(seq, ts int64, marker bool, payload []byte) {
	sl := s.at(seq)
	if sl.seq == 0 {
		s.n++
	}
	sl.seq, sl.ts, sl.marker = seq, ts, marker
	sl.buf = append(sl.buf[:0], payload...)
}

func (s *jbStore) free(sl *jbSlot) {
	if sl.seq != 0 {
		sl.seq = 0
		s.n--
	}
}

// after returns the first packet held after seq, or nil.
func (s *jbStore) after(seq int64) *jbSlot {
	for i := int64(1); i <= int64(len(s.slots)) && s.n > 0; i++ {
		if sl := s.get(seq + i); sl != nil {
			return sl
		}
	}
	return nil
}

// dropRange frees the packets with from ≤ seq < to and says how many.
func (s *jbStore) dropRange(from, to int64) int {
	if to-from >= int64(len(s.slots)) {
		n := s.n
		s.clear()
		return n
	}
	n := 0
	for seq := from; seq < to && s.n > 0; seq++ {
		if sl := s.get(seq); sl != nil {
			s.free(sl)
			n++
		}
	}
	return n
}

func (s *jbStore) clear() {
	for i := range s.slots {
		s.slots[i].seq = 0
	}
	s.n = 0
}

package plc

// synth makes the concealment signal: a repeated wave, cross-fades when
// the wave changes, and a ramp that joins it to the last real sample.
type synth struct {
	cur     wave    // the repetition playing
	prev    wave    // the one before an expansion, fading out
	overlap int     // cross-fade length at joins: a quarter period
	fading  int     // samples left of the prev→cur cross-fade
	offset  float32 // step between the last real sample and the repetition
	ramping int     // samples left while offset ramps to zero
}

// start repeats the last period of src.
func (s *synth) start(src []int16, period int) {
	s.overlap = max(1, period/4)
	s.cur.build(src, period, s.overlap)
	s.cur.phase = 0
	s.fading = 0
	// The repetition's smoothed end leads into its start; the real signal
	// ended differently, so ramp the difference away over one overlap.
	s.offset = float32(src[len(src)-1]) - s.cur.buf[period-1]
	s.ramping = s.overlap
}

// expand switches to repeating the last n samples of src, cross-fading
// from the current repetition.
func (s *synth) expand(src []int16, n int) {
	s.prev, s.cur = s.cur, s.prev
	s.cur.build(src, n, s.overlap)
	// The same phase in the longer buffer is whole periods earlier in
	// time, which is about the same waveform.
	s.cur.phase = s.prev.phase
	s.fading = s.overlap
}

func (s *synth) sample() float32 {
	v := s.cur.next()
	if s.fading > 0 {
		w := float32(s.fading) / float32(s.overlap+1)
		v = w*s.prev.next() + (1-w)*v
		s.fading--
	}
	if s.ramping > 0 {
		v += s.offset * float32(s.ramping) / float32(s.overlap)
		s.ramping--
	}
	return v
}

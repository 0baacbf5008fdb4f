package audio

import (
	"fmt"
	"sync"
	"time"
)

// FileSink is a Writer that records to a mono 16-bit WAV file, paced in
// real time like a loudspeaker: WriteFrame blocks until the frame's slot.
type FileSink struct {
	f Format

	mu   sync.Mutex // guards wav and pace; held across the pacing wait
	wav  *WAVWriter
	pace pacer

	done  chan struct{}
	close sync.Once
}

// CreateFileSink creates (or truncates) a WAV file at path recording at f,
// which must be mono. Its clock starts now.
func CreateFileSink(path string, f Format) (*FileSink, error) {
	f, err := monoFormat(f)
	if err != nil {
		return nil, err
	}
	wav, err := CreateWAV(path, f.SampleRate)
	if err != nil {
		return nil, err
	}
	return NewFileSink(wav, f)
}

// NewFileSink records to wav (which it owns and closes) at f.
func NewFileSink(wav *WAVWriter, f Format) (*FileSink, error) {
	f, err := fileFormat(f, wav.SampleRate())
	if err != nil {
		return nil, err
	}
	return &FileSink{
		f:    f,
		wav:  wav,
		pace: newPacer(time.Now(), f),
		done: make(chan struct{}),
	}, nil
}

// WriteFrame waits for the slot of pcm (the first frame's slot is now),
// then appends it to the file. After Close it returns ErrClosed.
func (s *FileSink) WriteFrame(pcm []int16) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.pace.waitStart(len(pcm), s.done); err != nil {
		return 0, err
	}
	n, err := s.wav.Write(pcm)
	if err != nil {
		return n, fmt.Errorf("audio: file sink: %w", err)
	}
	return n, nil
}

// Format is the format frames are written at.
func (s *FileSink) Format() Format { return s.f }

// Close unblocks WriteFrame and finalises the WAV file.
func (s *FileSink) Close() error {
	return closeFile(&s.close, s.done, &s.mu, s.wav)
}

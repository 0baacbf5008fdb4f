package audio

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// ErrRateMismatch is wrapped when a file's sample rate differs from the
// device format's: resample the file (or the format) first.
var ErrRateMismatch = errors.New("audio: sample rate mismatch")

// FileSourceOptions tunes a FileSource.
type FileSourceOptions struct {
	// Loop restarts the file at its end instead of returning io.EOF.
	Loop bool
}

// FileSource is a Reader that plays a WAV file in real time at a device
// Format, like a microphone that hears the file.
type FileSource struct {
	f    Format
	loop bool

	mu   sync.Mutex // guards wav and pace; held across the pacing wait
	wav  *WAVReader
	pace pacer
	eof  bool

	done  chan struct{}
	close sync.Once
}

// OpenFileSource opens a WAV file as a real-time source. The file's rate
// must equal f.SampleRate (the error names both otherwise) and f must be
// mono. Its clock starts now.
func OpenFileSource(path string, f Format, opts FileSourceOptions) (*FileSource, error) {
	wav, err := OpenWAV(path)
	if err != nil {
		return nil, err
	}
	s, err := NewFileSource(wav, f, opts)
	if err != nil {
		_ = wav.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// NewFileSource plays wav in real time at f; the source owns wav and
// closes it on Close.
func NewFileSource(wav *WAVReader, f Format, opts FileSourceOptions) (*FileSource, error) {
	f, err := fileFormat(f, wav.SampleRate())
	if err != nil {
		return nil, err
	}
	return &FileSource{
		f:    f,
		loop: opts.Loop,
		wav:  wav,
		pace: newPacer(time.Now(), f),
		done: make(chan struct{}),
	}, nil
}

// ReadFrame fills one frame (at most len(pcm) samples) with the next part
// of the file and returns when that frame would have been captured. The
// last, partial frame is padded with silence; the call after it returns
// io.EOF (unless looping). After Close it returns ErrClosed.
func (s *FileSource) ReadFrame(pcm []int16) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := isDone(s.done); err != nil {
		return 0, err
	}
	if s.eof {
		return 0, io.EOF
	}
	n := frameLen(s.f, len(pcm))
	if err := s.fill(pcm[:n]); err != nil {
		return 0, err // io.EOF when the file ended on a frame boundary
	}
	if err := s.pace.waitFor(n, s.done); err != nil {
		return 0, err
	}
	return n, nil
}

func (s *FileSource) fill(pcm []int16) error {
	got := 0
	rewound := false
	for got < len(pcm) {
		n, err := s.wav.ReadSamples(pcm[got:])
		got += n
		if n > 0 {
			rewound = false
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("audio: file source: %w", err)
		}
		if !s.loop || rewound { // rewound twice with nothing read: empty file
			s.eof = true
			if got == 0 {
				return io.EOF
			}
			clear(pcm[got:])
			return nil
		}
		if err := s.wav.Rewind(); err != nil {
			return fmt.Errorf("audio: file source loop: %w", err)
		}
		rewound = true
	}
	return nil
}

// Format is the format frames are read at.
func (s *FileSource) Format() Format { return s.f }

// Close unblocks ReadFrame and closes the file.
func (s *FileSource) Close() error {
	return closeFile(&s.close, s.done, &s.mu, s.wav)
}

// monoFormat checks f (see checkFormat) and that it is mono, as the file
// devices are.
func monoFormat(f Format) (Format, error) {
	f, err := checkFormat(f)
	if err != nil {
		return Format{}, err
	}
	if f.Channels != 1 {
		return Format{}, errMonoOnly
	}
	return f, nil
}

// fileFormat checks f as monoFormat does and that a file at fileRate
// plays or records at it.
func fileFormat(f Format, fileRate int) (Format, error) {
	f, err := monoFormat(f)
	if err != nil {
		return Format{}, err
	}
	if fileRate != f.SampleRate {
		return Format{}, fmt.Errorf("%w: file is %d Hz, device format is %d Hz",
			ErrRateMismatch, fileRate, f.SampleRate)
	}
	return f, nil
}

// closeFile closes a file device once: it closes done to unblock a
// waiting frame call, waits for that call to let go of mu, then closes
// the file.
func closeFile(once *sync.Once, done chan struct{}, mu *sync.Mutex, file io.Closer) error {
	var err error
	once.Do(func() {
		close(done)
		mu.Lock()
		defer mu.Unlock()
		err = file.Close()
	})
	return err
}

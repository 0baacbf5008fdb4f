package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrBadWAV is wrapped by every error about a file that is not a WAV file
// this package can read (corrupt, truncated header, unsupported encoding).
var ErrBadWAV = errors.New("audio: unsupported or corrupt WAV file")

const (
	wavFormatPCM        = 1
	wavFormatFloat      = 3
	wavFormatALaw       = 6
	wavFormatMuLaw      = 7
	wavFormatExtensible = 0xFFFE

	// Writers that cannot seek back (or have not yet) leave these sizes in
	// the data chunk: the data then runs to the end of the file.
	wavSizeUnknown = 0xFFFFFFFF

	wavMaxChannels = 8
)

// WAVReader streams 16-bit PCM samples from a WAV file, downmixed to mono.
// It reads through a buffer, so ReadSamples does not allocate.
type WAVReader struct {
	src        io.Reader
	br         *bufio.Reader
	closer     io.Closer
	rate       int
	channels   int
	dataStart  int64 // offset of the first sample, for Rewind
	dataLen    int64 // bytes of samples, -1 when unknown (read to EOF)
	remaining  int64 // bytes left in the data chunk, -1 when unknown
	frameBytes int
	scratch    []byte
}

// OpenWAV opens a WAV file for streaming. Close the reader when done.
func OpenWAV(path string) (*WAVReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("audio: open WAV: %w", err)
	}
	r, err := NewWAVReader(f)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.closer = f
	return r, nil
}

// ReadWAVFile reads a whole WAV file as mono samples and its sample rate.
func ReadWAVFile(path string) ([]int16, int, error) {
	r, err := OpenWAV(path)
	if err != nil {
		return nil, 0, err
	}
	defer func() { _ = r.Close() }()
	var pcm []int16
	if n := r.Frames(); n > 0 {
		// The header may lie (corrupt file): preallocate at most ~8 MB.
		pcm = make([]int16, 0, min(n, 1<<22))
	}
	buf := make([]int16, 4096)
	for {
		n, err := r.ReadSamples(buf)
		pcm = append(pcm, buf[:n]...)
		if errors.Is(err, io.EOF) {
			return pcm, r.SampleRate(), nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// NewWAVReader parses the WAV header from src and positions the reader at
// the first sample. Rewind needs src to be an io.Seeker.
func NewWAVReader(src io.Reader) (*WAVReader, error) {
	r := &WAVReader{src: src, br: bufio.NewReaderSize(src, 16<<10)}
	if err := r.parseHeader(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *WAVReader) parseHeader() error {
	var hdr [12]byte
	n, err := io.ReadFull(r.br, hdr[:])
	if err != nil {
		return fmt.Errorf("%w: not a WAV file (%d-byte file or header)", ErrBadWAV, n)
	}
	switch string(hdr[0:4]) {
	case "RIFF":
	case "RIFX", "RF64":
		return fmt.Errorf("%w: %s files are not supported (need little-endian RIFF)", ErrBadWAV, hdr[0:4])
	default:
		return fmt.Errorf("%w: not a WAV file (no RIFF header)", ErrBadWAV)
	}
	if string(hdr[8:12]) != "WAVE" {
		return fmt.Errorf("%w: RIFF file is not WAVE (%q)", ErrBadWAV, hdr[8:12])
	}
	pos := int64(12)
	haveFmt := false
	for {
		var ch [8]byte
		if _, err := io.ReadFull(r.br, ch[:]); err != nil {
			if !haveFmt {
				return fmt.Errorf("%w: no fmt chunk", ErrBadWAV)
			}
			return fmt.Errorf("%w: no data chunk", ErrBadWAV)
		}
		pos += 8
		id := string(ch[0:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch id {
		case "fmt ":
			if err := r.parseFmt(size); err != nil {
				return err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return fmt.Errorf("%w: data chunk before fmt chunk", ErrBadWAV)
			}
			r.dataStart = pos
			// A size of 0 or 0xFFFFFFFF is what a writer that is still
			// open (or was killed before patching) leaves: read to EOF.
			r.dataLen = size
			if size == 0 || size == wavSizeUnknown {
				r.dataLen = -1
			}
			r.remaining = r.dataLen
			r.frameBytes = 2 * r.channels
			r.scratch = make([]byte, 4096*r.frameBytes)
			return nil
		default:
			// LIST, fact, cue, bext...: skip, with the pad byte of odd sizes.
			skip := size + size&1
			if _, err := r.br.Discard(int(skip)); err != nil {
				return fmt.Errorf("%w: truncated %q chunk", ErrBadWAV, id)
			}
		}
		pos += size + size&1
	}
}

func (r *WAVReader) parseFmt(size int64) error {
	if size < 16 || size > 1024 {
		return fmt.Errorf("%w: fmt chunk of %d bytes", ErrBadWAV, size)
	}
	b := make([]byte, size+size&1)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return fmt.Errorf("%w: truncated fmt chunk", ErrBadWAV)
	}
	tag := binary.LittleEndian.Uint16(b[0:2])
	channels := int(binary.LittleEndian.Uint16(b[2:4]))
	rate := int(binary.LittleEndian.Uint32(b[4:8]))
	bits := int(binary.LittleEndian.Uint16(b[14:16]))
	if tag == wavFormatExtensible {
		// WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) mask(4) GUID(16);
		// the GUID's first two bytes are the real format tag.
		if size < 40 {
			return fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes", ErrBadWAV, size)
		}
		tag = binary.LittleEndian.Uint16(b[24:26])
	}
	switch tag {
	case wavFormatPCM:
	case wavFormatFloat:
		return fmt.Errorf("%w: %d-bit IEEE float samples (need 16-bit PCM)", ErrBadWAV, bits)
	case wavFormatALaw, wavFormatMuLaw:
		return fmt.Errorf("%w: G.711 encoded samples (need 16-bit PCM)", ErrBadWAV)
	default:
		return fmt.Errorf("%w: encoding 0x%04x (need 16-bit PCM)", ErrBadWAV, tag)
	}
	if bits != 16 {
		return fmt.Errorf("%w: %d-bit PCM (need 16-bit PCM)", ErrBadWAV, bits)
	}
	if channels < 1 || channels > wavMaxChannels {
		return fmt.Errorf("%w: %d channels", ErrBadWAV, channels)
	}
	if rate < 1000 || rate > 384000 {
		return fmt.Errorf("%w: sample rate %d Hz", ErrBadWAV, rate)
	}
	r.channels, r.rate = channels, rate
	return nil
}

// SampleRate is the file's rate in Hz.
func (r *WAVReader) SampleRate() int { return r.rate }

// Channels is the file's channel count (ReadSamples downmixes to mono).
func (r *WAVReader) Channels() int { return r.channels }

// Frames is the number of samples per channel the header announces, or -1
// when the size is unknown (file still being written).
func (r *WAVReader) Frames() int64 {
	if r.dataLen < 0 {
		return -1
	}
	return r.dataLen / int64(r.frameBytes)
}

// ReadSamples fills pcm with mono samples (channels averaged) and returns
// how many it read; io.EOF once the data is exhausted. A trailing partial
// sample frame (truncated file) is ignored.
func (r *WAVReader) ReadSamples(pcm []int16) (int, error) {
	total := 0
	for total < len(pcm) {
		want := (len(pcm) - total) * r.frameBytes
		want = min(want, len(r.scratch))
		if r.remaining >= 0 {
			want = int(min(int64(want), r.remaining-r.remaining%int64(r.frameBytes)))
		}
		if want == 0 {
			return total, io.EOF
		}
		n, err := io.ReadFull(r.br, r.scratch[:want])
		n -= n % r.frameBytes
		total += r.decode(pcm[total:], r.scratch[:n])
		if r.remaining >= 0 {
			r.remaining -= int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			r.remaining = 0 // truncated: what was there is all there is
			return total, io.EOF
		}
		if err != nil {
			return total, fmt.Errorf("audio: read WAV samples: %w", err)
		}
	}
	return total, nil
}

func (r *WAVReader) decode(dst []int16, b []byte) int {
	frames := len(b) / r.frameBytes
	if r.channels == 1 {
		for i := range frames {
			dst[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
		}
		return frames
	}
	for i := range frames {
		sum := 0
		for c := range r.channels {
			sum += int(int16(binary.LittleEndian.Uint16(b[i*r.frameBytes+2*c:])))
		}
		dst[i] = int16(sum / r.channels)
	}
	return frames
}

// Rewind goes back to the first sample (for looping).
func (r *WAVReader) Rewind() error {
	s, ok := r.src.(io.Seeker)
	if !ok {
		return errors.New("audio: WAV source cannot seek")
	}
	if _, err := s.Seek(r.dataStart, io.SeekStart); err != nil {
		return fmt.Errorf("audio: rewind WAV: %w", err)
	}
	r.br.Reset(r.src)
	r.remaining = r.dataLen
	return nil
}

// Close closes the file opened by OpenWAV (a no-op for NewWAVReader).
func (r *WAVReader) Close() error {
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	return c.Close()
}

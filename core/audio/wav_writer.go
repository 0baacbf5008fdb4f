package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

const (
	wavHeaderSize = 44
	// RIFF sizes are 32-bit: stop short of 4 GiB rather than write a file
	// no reader can parse.
	wavMaxData = 0xFFFFFFFF - wavHeaderSize
)

// WAVWriter writes 16-bit PCM WAV (mono, or interleaved channels). The
// RIFF and data sizes are patched on Close and after every second of
// audio, so a process killed while recording leaves a playable file
// (losing at most the last second).
type WAVWriter struct {
	dst      io.WriteSeeker
	bw       *bufio.Writer
	closer   io.Closer
	rate     int
	channels int
	data     int64 // sample bytes written
	patched  int64 // data size last written into the header
	patchGap int64 // bytes of audio between header patches
	scratch  []byte
	err      error // sticky: after a failed write the file is not trusted
}

// CreateWAV creates (or truncates) path for a mono 16-bit recording at
// sampleRate.
func CreateWAV(path string, sampleRate int) (*WAVWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("audio: create WAV: %w", err)
	}
	w, err := NewWAVWriter(f, sampleRate)
	if err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, err
	}
	w.closer = f
	return w, nil
}

// NewWAVWriter writes the header to dst and returns a writer positioned at
// the first sample. Close does not close dst.
func NewWAVWriter(dst io.WriteSeeker, sampleRate int) (*WAVWriter, error) {
	return NewWAVWriterChannels(dst, sampleRate, 1)
}

// NewWAVWriterChannels is NewWAVWriter for channels interleaved channels
// (Write then takes interleaved samples).
func NewWAVWriterChannels(dst io.WriteSeeker, sampleRate, channels int) (*WAVWriter, error) {
	if sampleRate < 1000 || sampleRate > 384000 {
		return nil, fmt.Errorf("audio: WAV sample rate %d Hz out of range", sampleRate)
	}
	if channels < 1 || channels > wavMaxChannels {
		return nil, fmt.Errorf("audio: WAV with %d channels: want 1..%d", channels, wavMaxChannels)
	}
	w := &WAVWriter{
		dst:      dst,
		bw:       bufio.NewWriterSize(dst, 16<<10),
		rate:     sampleRate,
		channels: channels,
		patchGap: int64(2 * sampleRate * channels),
		scratch:  make([]byte, 4096),
	}
	// Sizes start at 0, which readers (ours included) take as "read to the
	// end of the file": a file killed before the first patch stays usable.
	if _, err := w.bw.Write(w.header(0)); err != nil {
		return nil, fmt.Errorf("audio: write WAV header: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		return nil, fmt.Errorf("audio: write WAV header: %w", err)
	}
	return w, nil
}

func (w *WAVWriter) header(dataSize int64) []byte {
	h := make([]byte, wavHeaderSize)
	copy(h[0:], "RIFF")
	riff := uint32(0)
	if dataSize > 0 {
		riff = uint32(dataSize + wavHeaderSize - 8)
	}
	binary.LittleEndian.PutUint32(h[4:], riff)
	copy(h[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(h[16:], 16)
	binary.LittleEndian.PutUint16(h[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(h[22:], uint16(w.channels))
	binary.LittleEndian.PutUint32(h[24:], uint32(w.rate))
	binary.LittleEndian.PutUint32(h[28:], uint32(2*w.channels*w.rate)) // byte rate
	binary.LittleEndian.PutUint16(h[32:], uint16(2*w.channels))        // block align
	binary.LittleEndian.PutUint16(h[34:], 16)                          // bits
	copy(h[36:], "data")
	binary.LittleEndian.PutUint32(h[40:], uint32(dataSize))
	return h
}

// SampleRate is the rate the file is written at.
func (w *WAVWriter) SampleRate() int { return w.rate }

// Samples is the number of samples written so far (all channels).
func (w *WAVWriter) Samples() int64 { return w.data / 2 }

// Write appends samples (interleaved when the file has several channels).
func (w *WAVWriter) Write(pcm []int16) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.data+int64(2*len(pcm)) > wavMaxData {
		return 0, errors.New("audio: WAV file would exceed 4 GiB")
	}
	done := 0
	for done < len(pcm) {
		chunk := pcm[done:min(len(pcm), done+len(w.scratch)/2)]
		for i, s := range chunk {
			binary.LittleEndian.PutUint16(w.scratch[2*i:], uint16(s))
		}
		if _, err := w.bw.Write(w.scratch[:2*len(chunk)]); err != nil {
			w.err = fmt.Errorf("audio: write WAV: %w", err)
			return done, w.err
		}
		done += len(chunk)
		w.data += int64(2 * len(chunk))
	}
	if w.data-w.patched >= w.patchGap {
		if err := w.Sync(); err != nil {
			return done, err
		}
	}
	return done, nil
}

// Sync flushes buffered samples and patches the header sizes, so that the
// file as it is now on disk is a complete WAV file.
func (w *WAVWriter) Sync() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		w.err = fmt.Errorf("audio: write WAV: %w", err)
		return w.err
	}
	if err := w.patch(); err != nil {
		w.err = fmt.Errorf("audio: patch WAV header: %w", err)
		return w.err
	}
	w.patched = w.data
	return nil
}

func (w *WAVWriter) patch() error {
	h := w.header(w.data)
	if _, err := w.dst.Seek(4, io.SeekStart); err != nil {
		return err
	}
	if _, err := w.dst.Write(h[4:8]); err != nil {
		return err
	}
	if _, err := w.dst.Seek(40, io.SeekStart); err != nil {
		return err
	}
	if _, err := w.dst.Write(h[40:44]); err != nil {
		return err
	}
	_, err := w.dst.Seek(wavHeaderSize+w.data, io.SeekStart)
	return err
}

// Close finalises the header and closes the file CreateWAV opened. It is
// safe to call more than once.
func (w *WAVWriter) Close() error {
	err := w.Sync()
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("audio: close WAV: %w", cerr)
		}
		w.closer = nil
	}
	if w.err == nil {
		w.err = ErrClosed
	}
	if errors.Is(err, ErrClosed) {
		return nil
	}
	return err
}

package testlab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// WAV format tags.
const (
	wavFormatPCM        = 1
	wavFormatExtensible = 0xFFFE
)

// wavInfo is the parsed header of a 16-bit PCM WAV file.
type wavInfo struct {
	rate, channels int
	data           []byte // sample bytes, cut to whole frames
}

// ReadWAV reads a 16-bit PCM WAV file and returns its interleaved samples.
// It skips unknown chunks (LIST, fact, ...), accepts WAVE_FORMAT_EXTENSIBLE
// with a PCM sub-format, and takes the rest of the file as data when the data
// size is 0, 0xFFFFFFFF or larger than the file: a writer that is still
// recording (baresip's sndfile during a call) has not patched the sizes yet.
func ReadWAV(path string) (pcm []int16, rate int, channels int, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, 0, err
	}
	info, err := parseWAV(b)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	pcm = make([]int16, len(info.data)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(info.data[2*i:]))
	}
	return pcm, info.rate, info.channels, nil
}

// parseWAV walks the RIFF chunks of b. The RIFF size itself is ignored: it is
// as unreliable as the data size in files that were not closed.
func parseWAV(b []byte) (wavInfo, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return wavInfo{}, errors.New("not a RIFF/WAVE file")
	}
	var info wavInfo
	haveFmt := false
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := int64(binary.LittleEndian.Uint32(b[off+4:]))
		body := off + 8
		switch id {
		case "fmt ":
			if size < 16 || int64(body)+size > int64(len(b)) {
				return wavInfo{}, errors.New("short fmt chunk")
			}
			if err := parseFmt(b[body:body+int(size)], &info); err != nil {
				return wavInfo{}, err
			}
			haveFmt = true
		case "data":
			if !haveFmt {
				return wavInfo{}, errors.New("data chunk before fmt chunk")
			}
			end := int64(body) + size
			if size == 0 || size == 0xFFFFFFFF || end > int64(len(b)) {
				end = int64(len(b)) // still being written
			}
			frame := 2 * info.channels
			n := (int(end) - body) / frame * frame
			info.data = b[body : body+n]
			return info, nil
		}
		off = body + int(size) + int(size&1) // chunks are padded to even sizes
		if size == 0xFFFFFFFF {
			break
		}
	}
	if !haveFmt {
		return wavInfo{}, errors.New("no fmt chunk")
	}
	return wavInfo{}, errors.New("no data chunk")
}

// pcmSubFormat is the GUID of KSDATAFORMAT_SUBTYPE_PCM; its first two bytes
// (the format tag) are checked separately.
var pcmSubFormat = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

func parseFmt(f []byte, info *wavInfo) error {
	tag := binary.LittleEndian.Uint16(f[0:])
	info.channels = int(binary.LittleEndian.Uint16(f[2:]))
	info.rate = int(binary.LittleEndian.Uint32(f[4:]))
	bits := binary.LittleEndian.Uint16(f[14:])
	if tag == wavFormatExtensible {
		if len(f) < 40 {
			return errors.New("short WAVE_FORMAT_EXTENSIBLE fmt chunk")
		}
		sub := f[24:40]
		if binary.LittleEndian.Uint16(sub) != wavFormatPCM || !bytes.Equal(sub[2:], pcmSubFormat) {
			return errors.New("WAVE_FORMAT_EXTENSIBLE with a non-PCM sub-format")
		}
		tag = wavFormatPCM
	}
	switch {
	case tag != wavFormatPCM:
		return fmt.Errorf("format tag %#x: only PCM is supported", tag)
	case bits != 16:
		return fmt.Errorf("%d bits per sample: only 16 is supported", bits)
	case info.channels < 1 || info.rate < 1:
		return fmt.Errorf("bad format: %d channels, %d Hz", info.channels, info.rate)
	}
	return nil
}

// WriteWAV writes interleaved 16-bit PCM samples as a canonical WAV file.
func WriteWAV(path string, pcm []int16, rate, channels int) error {
	if rate < 1 || channels < 1 {
		return fmt.Errorf("bad format: %d channels, %d Hz", channels, rate)
	}
	dataLen := 2 * len(pcm)
	b := make([]byte, 44+dataLen)
	copy(b[0:], "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+dataLen))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)
	binary.LittleEndian.PutUint16(b[20:], wavFormatPCM)
	binary.LittleEndian.PutUint16(b[22:], uint16(channels))
	binary.LittleEndian.PutUint32(b[24:], uint32(rate))
	binary.LittleEndian.PutUint32(b[28:], uint32(rate*channels*2))
	binary.LittleEndian.PutUint16(b[32:], uint16(channels*2))
	binary.LittleEndian.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(dataLen))
	for i, s := range pcm {
		binary.LittleEndian.PutUint16(b[44+2*i:], uint16(s))
	}
	return os.WriteFile(path, b, 0o644)
}

// MixMono averages interleaved frames of channels samples into one channel
// (baresip's Opus decoder records stereo).
func MixMono(pcm []int16, channels int) []int16 {
	if channels <= 1 {
		return pcm
	}
	out := make([]int16, len(pcm)/channels)
	for i := range out {
		sum := 0
		for c := range channels {
			sum += int(pcm[i*channels+c])
		}
		out[i] = int16(sum / channels)
	}
	return out
}

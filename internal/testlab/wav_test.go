package testlab

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// wavBytes builds a WAV file by hand: fmtChunk as given, extra chunks before
// data, and dataSize written into the data header (-1 = the real size).
func wavBytes(fmtChunk []byte, extra []byte, samples []int16, dataSize int64) []byte {
	var b []byte
	b = append(b, "RIFF\x00\x00\x00\x00WAVE"...)
	b = append(b, "fmt "...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(fmtChunk)))
	b = append(b, fmtChunk...)
	b = append(b, extra...)
	b = append(b, "data"...)
	if dataSize < 0 {
		dataSize = int64(2 * len(samples))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(dataSize))
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func pcmFmt(tag uint16, channels, rate int) []byte {
	var f []byte
	f = binary.LittleEndian.AppendUint16(f, tag)
	f = binary.LittleEndian.AppendUint16(f, uint16(channels))
	f = binary.LittleEndian.AppendUint32(f, uint32(rate))
	f = binary.LittleEndian.AppendUint32(f, uint32(rate*channels*2))
	f = binary.LittleEndian.AppendUint16(f, uint16(channels*2))
	f = binary.LittleEndian.AppendUint16(f, 16)
	return f
}

func extensibleFmt(channels, rate int, sub uint16) []byte {
	f := pcmFmt(wavFormatExtensible, channels, rate)
	f = binary.LittleEndian.AppendUint16(f, 22)  // cbSize
	f = binary.LittleEndian.AppendUint16(f, 16)  // valid bits
	f = binary.LittleEndian.AppendUint32(f, 0x4) // channel mask
	f = binary.LittleEndian.AppendUint16(f, sub)
	return append(f, pcmSubFormat...)
}

func TestReadWAVVariants(t *testing.T) {
	samples := []int16{1, -2, 3, -4, 32767, -32768}
	list := append([]byte("LIST\x05\x00\x00\x00INFOx"), 0) // odd size, padded
	cases := []struct {
		name     string
		data     []byte
		channels int
		want     []int16
		wantErr  bool
	}{
		{"canonical", wavBytes(pcmFmt(1, 1, 8000), nil, samples, -1), 1, samples, false},
		{"LIST before data", wavBytes(pcmFmt(1, 1, 8000), list, samples, -1), 1, samples, false},
		{"extensible", wavBytes(extensibleFmt(2, 8000, 1), nil, samples, -1), 2, samples, false},
		{"extensible float", wavBytes(extensibleFmt(1, 8000, 3), nil, samples, -1), 0, nil, true},
		{"data size 0", wavBytes(pcmFmt(1, 1, 8000), nil, samples, 0), 1, samples, false},
		{"data size -1", wavBytes(pcmFmt(1, 1, 8000), nil, samples, 0xFFFFFFFF), 1, samples, false},
		{"data size too large", wavBytes(pcmFmt(1, 1, 8000), nil, samples, 1000), 1, samples, false},
		{"partial frame", append(wavBytes(pcmFmt(1, 2, 8000), nil, samples, 0), 7), 2, samples, false},
		{"LIST after data", append(wavBytes(pcmFmt(1, 1, 8000), nil, samples[:4], -1), list...), 1, samples[:4], false},
		{"float", wavBytes(pcmFmt(3, 1, 8000), nil, samples, -1), 0, nil, true},
		{"not wav", []byte("hello world, not a wave file"), 0, nil, true},
	}
	for _, c := range cases {
		path := filepath.Join(t.TempDir(), "x.wav")
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		pcm, rate, ch, err := ReadWAV(path)
		if c.wantErr {
			if err == nil {
				t.Errorf("%s: no error", c.name)
			}
			continue
		}
		if err != nil || rate != 8000 || ch != c.channels || !slices.Equal(pcm, c.want) {
			t.Errorf("%s: got %v, %d Hz, %d ch, %v; want %v, 8000 Hz, %d ch", c.name, pcm, rate, ch, err, c.want, c.channels)
		}
	}
}

func TestWriteWAVRoundTripAndMixMono(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.wav")
	stereo := []int16{100, 300, -100, -300, 32767, 32767}
	if err := WriteWAV(path, stereo, 48000, 2); err != nil {
		t.Fatal(err)
	}
	pcm, rate, ch, err := ReadWAV(path)
	if err != nil || rate != 48000 || ch != 2 || !slices.Equal(pcm, stereo) {
		t.Fatalf("round trip: %v %d %d %v", pcm, rate, ch, err)
	}
	if got := MixMono(pcm, ch); !slices.Equal(got, []int16{200, -200, 32767}) {
		t.Errorf("MixMono = %v", got)
	}
}

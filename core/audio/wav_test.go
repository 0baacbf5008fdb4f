package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// wavSpec describes a hand-made WAV file for the reader tests.
type wavSpec struct {
	tag        uint16
	extensible bool // wrap tag in WAVE_FORMAT_EXTENSIBLE
	channels   int
	rate       int
	bits       int
	before     []byte // raw chunks between fmt and data (e.g. LIST)
	dataSize   *uint32
	data       []byte
}

func (s wavSpec) bytes() []byte {
	var fmtc bytes.Buffer
	le := binary.LittleEndian
	tag := s.tag
	if s.extensible {
		tag = wavFormatExtensible
	}
	blockAlign := s.channels * s.bits / 8
	_ = binary.Write(&fmtc, le, tag)
	_ = binary.Write(&fmtc, le, uint16(s.channels))
	_ = binary.Write(&fmtc, le, uint32(s.rate))
	_ = binary.Write(&fmtc, le, uint32(s.rate*blockAlign))
	_ = binary.Write(&fmtc, le, uint16(blockAlign))
	_ = binary.Write(&fmtc, le, uint16(s.bits))
	if s.extensible {
		_ = binary.Write(&fmtc, le, uint16(22))
		_ = binary.Write(&fmtc, le, uint16(s.bits))
		_ = binary.Write(&fmtc, le, uint32(3)) // FL|FR
		_ = binary.Write(&fmtc, le, s.tag)
		fmtc.Write([]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71})
	}
	var body bytes.Buffer
	body.WriteString("WAVE")
	chunk(&body, "fmt ", fmtc.Bytes())
	body.Write(s.before)
	body.WriteString("data")
	size := uint32(len(s.data))
	if s.dataSize != nil {
		size = *s.dataSize
	}
	_ = binary.Write(&body, le, size)
	body.Write(s.data)
	var out bytes.Buffer
	out.WriteString("RIFF")
	_ = binary.Write(&out, le, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

func chunk(b *bytes.Buffer, id string, data []byte) {
	b.WriteString(id)
	_ = binary.Write(b, binary.LittleEndian, uint32(len(data)))
	b.Write(data)
	if len(data)%2 == 1 {
		b.WriteByte(0)
	}
}

func pcmBytes(s ...int16) []byte {
	b := make([]byte, 2*len(s))
	for i, v := range s {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.wav")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func u32(v uint32) *uint32 { return &v }

func TestReadWAVVariants(t *testing.T) {
	var list bytes.Buffer
	chunk(&list, "LIST", []byte("INFOISFT\x05\x00\x00\x00test\x00")) // odd size: pad byte
	chunk(&list, "fact", []byte{3, 0, 0, 0})
	cases := []struct {
		name string
		spec wavSpec
		want []int16
		rate int
	}{
		{"mono", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 16, data: pcmBytes(1, -2, 3)}, []int16{1, -2, 3}, 8000},
		{"stereo downmix", wavSpec{tag: 1, channels: 2, rate: 44100, bits: 16, data: pcmBytes(100, 200, -100, -300, 32767, 32767)}, []int16{150, -200, 32767}, 44100},
		{"extra chunks", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, before: list.Bytes(), data: pcmBytes(7, 8)}, []int16{7, 8}, 16000},
		{"extensible", wavSpec{tag: 1, extensible: true, channels: 2, rate: 48000, bits: 16, data: pcmBytes(10, 20)}, []int16{15}, 48000},
		{"size 0 (writer open)", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 16, dataSize: u32(0), data: pcmBytes(4, 5, 6)}, []int16{4, 5, 6}, 8000},
		{"size unknown", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 16, dataSize: u32(0xFFFFFFFF), data: pcmBytes(4, 5)}, []int16{4, 5}, 8000},
		{"size beyond end (truncated)", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 16, dataSize: u32(1000), data: pcmBytes(4, 5, 6)[:5]}, []int16{4, 5}, 8000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pcm, rate, err := ReadWAVFile(writeTemp(t, c.spec.bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if rate != c.rate || !slices.Equal(pcm, c.want) {
				t.Fatalf("got %v at %d Hz, want %v at %d Hz", pcm, rate, c.want, c.rate)
			}
		})
	}
}

func TestReadWAVErrors(t *testing.T) {
	ok := wavSpec{tag: 1, channels: 1, rate: 8000, bits: 16, data: pcmBytes(1, 2)}
	cases := []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "not a WAV file"},
		{"text", []byte("hello, this is not audio at all"), "no RIFF header"},
		{"not WAVE", append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 8)...), "not WAVE"},
		{"8-bit", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 8, data: []byte{1, 2}}.bytes(), "8-bit PCM"},
		{"float", wavSpec{tag: 3, channels: 1, rate: 8000, bits: 32, data: make([]byte, 8)}.bytes(), "IEEE float"},
		{"float extensible", wavSpec{tag: 3, extensible: true, channels: 2, rate: 8000, bits: 32, data: make([]byte, 8)}.bytes(), "IEEE float"},
		{"mu-law", wavSpec{tag: 7, channels: 1, rate: 8000, bits: 8, data: []byte{1}}.bytes(), "G.711"},
		{"no data chunk", ok.bytes()[:36], "no data chunk"},
		{"truncated fmt", ok.bytes()[:24], "truncated fmt"},
		{"zero channels", wavSpec{tag: 1, channels: 0, rate: 8000, bits: 16}.bytes(), "0 channels"},
		{"RIFX", append([]byte("RIFX"), ok.bytes()[4:]...), "RIFX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadWAVFile(writeTemp(t, c.file))
			if !errors.Is(err, ErrBadWAV) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrBadWAV mentioning %q", err, c.want)
			}
		})
	}
	if _, _, err := ReadWAVFile(filepath.Join(t.TempDir(), "missing.wav")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestWAVRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rt.wav")
	w, err := CreateWAV(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int16, 40000) // > 1 s: crosses a header patch
	for i := range want {
		want[i] = int16(i*7 - 20000)
	}
	for i := 0; i < len(want); i += 320 {
		if _, err := w.Write(want[i:min(i+320, len(want))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := w.Write(want[:1]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	got, rate, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rate != 16000 || !slices.Equal(got, want) {
		t.Fatalf("round trip: %d samples at %d Hz, want %d at 16000", len(got), rate, len(want))
	}
	r, err := OpenWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	if r.Frames() != int64(len(want)) || r.Channels() != 1 {
		t.Fatalf("header: %d frames, %d channels", r.Frames(), r.Channels())
	}
	// Rewind gives the start again.
	buf := make([]int16, 3)
	if _, err := r.ReadSamples(buf); err != nil {
		t.Fatal(err)
	}
	if err := r.Rewind(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadSamples(buf); err != nil || !slices.Equal(buf, want[:3]) {
		t.Fatalf("after rewind: %v %v", buf, err)
	}
}

func TestWAVWriterUnclosedIsReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "open.wav")
	w, err := CreateWAV(path, 8000)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = w.Close() }()
	// Before the first patch the data size is 0: readers read to the end.
	if _, err := w.Write(make([]int16, 100)); err != nil {
		t.Fatal(err)
	}
	if err := w.bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if pcm, _, err := ReadWAVFile(path); err != nil || len(pcm) != 100 {
		t.Fatalf("unpatched: %d samples, %v", len(pcm), err)
	}
	// After a second of audio the header has been patched.
	if _, err := w.Write(make([]int16, 8000)); err != nil {
		t.Fatal(err)
	}
	if pcm, _, err := ReadWAVFile(path); err != nil || len(pcm) != 8100 {
		t.Fatalf("patched: %d samples, %v", len(pcm), err)
	}
}

// TestWAVWriterKilled records in a child process that is SIGKILLed after
// 2.5 s of audio: the file must still be readable, minus at most a second.
func TestWAVWriterKilled(t *testing.T) {
	if path := os.Getenv("AUDIO_TEST_KILLED_WRITER"); path != "" {
		killedWriterChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "killed.wav")
	cmd := testCommand(t, "TestWAVWriterKilled", "AUDIO_TEST_KILLED_WRITER="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child prints a line once it has written; then it is killed.
	line := make([]byte, 6)
	if _, err := io.ReadFull(out, line); err != nil || string(line) != "ready\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("child: %q %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	pcm, rate, err := ReadWAVFile(path)
	if err != nil {
		t.Fatalf("killed writer's file: %v", err)
	}
	if rate != 8000 || len(pcm) < 2*8000 || len(pcm) > 20000 {
		t.Fatalf("killed writer's file: %d samples at %d Hz, want 2 s to 2.5 s", len(pcm), rate)
	}
	for i, s := range pcm {
		if s != int16(i%1000) {
			t.Fatalf("sample %d = %d, want %d", i, s, i%1000)
		}
	}
}

func killedWriterChild(path string) {
	w, err := CreateWAV(path, 8000)
	if err != nil {
		os.Exit(2)
	}
	pcm := make([]int16, 160)
	for n := 0; n < 20000; n += len(pcm) { // 2.5 s at 8 kHz
		for i := range pcm {
			pcm[i] = int16((n + i) % 1000)
		}
		if _, err := w.Write(pcm); err != nil {
			os.Exit(3)
		}
	}
	_, _ = os.Stdout.WriteString("ready\n")
	time.Sleep(time.Minute) // never closes: the parent kills us
	os.Exit(4)
}

// testCommand re-runs this test binary for one test, as a child process.
func testCommand(t *testing.T, test string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd
}

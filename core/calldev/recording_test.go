package calldev

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
)

func TestFileUser(t *testing.T) {
	for in, want := range map[string]string{
		"sip:bob@example.com":             "bob",
		"sips:+44 20 7946@pbx;user=phone": "+44_20_7946",
		"sip:../../etc@x":                 "_.._etc",
		"sip:@x":                          "call",
		"tel:+1555":                       "+1555",
		"sip:" + string(make([]byte, 60)): "________________________________________",
	} {
		if got := FileUser(in); got != want {
			t.Errorf("FileUser(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFolderDir: the configured folder wins, then the default set, then
// the data directory's "recordings"; no data directory is an error.
func TestFolderDir(t *testing.T) {
	var f Folder
	data := func() (string, error) { return "/data", nil }
	if d, err := f.Dir("", data); err != nil || d != filepath.Join("/data", "recordings") {
		t.Errorf("unset: %q, %v", d, err)
	}
	noData := errors.New("no home")
	if _, err := f.Dir("", func() (string, error) { return "", noData }); !errors.Is(err, noData) {
		t.Errorf("no data directory: %v", err)
	}
	f.SetDefault("/db/recordings")
	if d, _ := f.Dir("", data); d != "/db/recordings" {
		t.Errorf("default set: %q", d)
	}
	if d, _ := f.Dir("/mine", data); d != "/mine" {
		t.Errorf("configured: %q", d)
	}
}

// TestNewRecorderNames: the file is named by time and every far end's
// user, in a folder it creates, and a name taken gets a number.
func TestNewRecorderNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rec")
	var paths []string
	for range 2 {
		rec, err := NewRecorder(dir, []string{"sip:bob@x", "sip:carol@y"}, 8000, false)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, rec.Path())
		if err := rec.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("no file %s: %v", p, err)
		}
	}
	first, second := filepath.Base(paths[0]), filepath.Base(paths[1])
	if !strings.HasSuffix(first, "_bob+carol.wav") {
		t.Errorf("first file %q, want <time>_bob+carol.wav", first)
	}
	if first == second {
		t.Fatalf("two recordings share %q", first)
	}
	// The second may fall in the next second; in the same one it is numbered.
	if first[:19] == second[:19] && second != strings.TrimSuffix(first, ".wav")+"-2.wav" {
		t.Errorf("second file %q, want %q", second, strings.TrimSuffix(first, ".wav")+"-2.wav")
	}
}

func TestSetRecording(t *testing.T) {
	rec, err := audio.CreateRecorder(filepath.Join(t.TempDir(), "r.wav"), 8000, true)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	var i call.Info
	SetRecording(&i, rec)
	if i.Recording != rec.Path() || !i.RecordingSince.Equal(rec.Started()) {
		t.Errorf("recording %q since %v, want %q since %v", i.Recording, i.RecordingSince, rec.Path(), rec.Started())
	}
	SetRecording(&i, nil)
	if i.Recording != "" || i.RecordingSince != (time.Time{}) {
		t.Errorf("after nil: %q since %v", i.Recording, i.RecordingSince)
	}
}

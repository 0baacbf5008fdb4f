package calldev

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
)

// Recording writes a WAV file per recorded call, or per recorded local
// conference: 16-bit PCM at the device's rate, local microphone on the
// left and the far end (a conference: the mix of every party) on the
// right, or both summed into one channel ([audio] record_channels =
// "mixed"). The file goes into [audio] record_dir, else the "recordings"
// folder next to the history database, else the default data directory's.
// Its name is the start time and the far ends' users:
// 2026-11-22_14-03-05_bob.wav.
//
// The header's sizes are patched every second of audio and on stop, so a
// process that dies mid-call leaves a file every player opens, missing at
// most the last second or so.

// ErrNotRecording is returned when stopping a recording of a call not
// recorded.
var ErrNotRecording = errors.New("not recording")

// Folder picks where recordings go when the configuration names no
// folder. Its zero value falls back to the data directory.
type Folder struct {
	def atomic.Pointer[string] // set once the history database is known
}

// SetDefault makes dir the recordings folder when the configuration names
// none (next to the history database).
func (f *Folder) SetDefault(dir string) { f.def.Store(&dir) }

// Dir is where recordings go: configured, else the default set, else the
// "recordings" folder of dataDir.
func (f *Folder) Dir(configured string, dataDir func() (string, error)) (string, error) {
	if configured != "" {
		return configured, nil
	}
	if d := f.def.Load(); d != nil {
		return *d, nil
	}
	d, err := dataDir()
	if err != nil {
		return "", fmt.Errorf("no folder for recordings (set [audio] record_dir): %w", err)
	}
	return filepath.Join(d, "recordings"), nil
}

// NewRecorder creates the recording file, in dir, of the calls with the
// far ends remotes (one call, or a conference's) at rate Hz; mixed sums
// both sides into one channel.
func NewRecorder(dir string, remotes []string, rate int, mixed bool) (*audio.Recorder, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("recordings folder: %w", err)
	}
	users := make([]string, 0, len(remotes))
	for _, r := range remotes {
		users = append(users, FileUser(r))
	}
	base := time.Now().Format("2006-01-02_15-04-05") + "_" + strings.Join(users, "+")
	base = base[:min(len(base), 100)]
	for n := 1; n <= 100; n++ {
		name := base + ".wav"
		if n > 1 {
			name = fmt.Sprintf("%s-%d.wav", base, n)
		}
		rec, err := audio.CreateRecorder(filepath.Join(dir, name), rate, mixed)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return rec, err
	}
	return nil, fmt.Errorf("recordings folder %s: no free name for %s", dir, base)
}

// SetRecording says on a call's Info which file records it and since
// when, from rec itself: a conference's recording may have started before
// the call joined, or on another leg. rec nil: none.
func SetRecording(i *call.Info, rec *audio.Recorder) {
	i.Recording, i.RecordingSince = "", time.Time{}
	if rec != nil {
		i.Recording, i.RecordingSince = rec.Path(), rec.Started()
	}
}

// FileUser is the user part of a SIP URI, safe as part of a file name.
func FileUser(uri string) string {
	u := strings.TrimPrefix(strings.TrimPrefix(uri, "sips:"), "sip:")
	u = strings.TrimPrefix(u, "tel:")
	if i := strings.IndexAny(u, "@;?>"); i >= 0 {
		u = u[:i]
	}
	var b strings.Builder
	for _, r := range u {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '+', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		s = "call"
	}
	return s[:min(len(s), 40)]
}

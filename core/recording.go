package core

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
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/store"
)

// Recording writes a WAV file per recorded call, or per recorded local
// conference: 16-bit PCM at the device's rate, local microphone on the
// left and the far end (a conference: the mix of every party) on the
// right, or both summed into one channel ([audio] record_channels =
// "mixed"). The file goes into [audio] record_dir, else the "recordings"
// folder next to the history database (RecordHistory sets it), else the
// default data directory's. Its name is the start time and the far end's
// user: 2026-11-22_14-03-05_bob.wav.
//
// The header's sizes are patched every second of audio and on stop, so a
// process that dies mid-call leaves a file every player opens, missing at
// most the last second or so.

// ErrNotRecording is returned by StopRecording for a call not recorded.
var ErrNotRecording = errors.New("not recording")

// callDevice is what a call's media session holds while the call has its
// own device: a view of the call's Tap (recording, waiting tone), at the
// session's format. A conference takes the Tap over without closing it
// (keep), and the view then refuses the session's last calls (dead).
type callDevice struct {
	tap  *audio.Tap
	dev  audio.Device // tap, or tap resampled to the session's format
	keep atomic.Bool  // Close leaves the tap open: it changed hands
	dead atomic.Bool
}

// newCallDevice is a view of tap at format f.
func newCallDevice(tap *audio.Tap, f audio.Format) (*callDevice, error) {
	dev, err := audio.Adapt(tap, f)
	if err != nil {
		return nil, err
	}
	return &callDevice{tap: tap, dev: dev}, nil
}

func (d *callDevice) ReadFrame(pcm []int16) (int, error) {
	if d.dead.Load() {
		return 0, audio.ErrClosed
	}
	return d.dev.ReadFrame(pcm)
}

func (d *callDevice) WriteFrame(pcm []int16) (int, error) {
	if d.dead.Load() {
		return 0, audio.ErrClosed
	}
	return d.dev.WriteFrame(pcm)
}

func (d *callDevice) Format() audio.Format { return d.dev.Format() }

// SharedClock and WaitRoom keep the device's clock contract for the
// session (one loop per call on a shared clock).
func (d *callDevice) SharedClock() bool { return audio.SharesClock(d.dev) }

func (d *callDevice) WaitRoom() error {
	if w, ok := d.dev.(audio.RoomWaiter); ok && !d.dead.Load() {
		return w.WaitRoom()
	}
	return nil
}

// Close closes the device, unless it was handed over.
func (d *callDevice) Close() error {
	if d.dead.Swap(true) || d.keep.Load() {
		return nil
	}
	return d.dev.Close()
}

// wrapDevice puts the recording tap and tone injector around a call's
// device as its media starts.
func (c *activeCall) wrapDevice(dev audio.Device) audio.Device {
	tap := audio.NewTap(dev)
	c.p.fx.mu.Lock()
	tap.SetTone(c.fx.tone)
	c.p.fx.mu.Unlock()
	return &callDevice{tap: tap, dev: tap}
}

// view is the call's own device view, nil while in a conference, before
// media, or after its device failed (the session then runs a bare null
// device).
func (c *activeCall) view() *callDevice {
	sess := c.session()
	if sess == nil {
		return nil
	}
	if d, ok := sess.Device().(*callDevice); ok && !d.dead.Load() {
		return d
	}
	return nil
}

// userTapLocked is the tap of what the user hears on call c: its
// conference's, or its own. p.fx.mu held.
func (c *activeCall) userTapLocked() *audio.Tap {
	if c.fx.conf != nil {
		return c.fx.conf.tap
	}
	if v := c.view(); v != nil {
		return v.tap
	}
	return nil
}

// setWaitingTone starts or stops the call-waiting tone mixed into what
// call c plays to the user (a second call rings meanwhile). It is kept
// across device changes and conferences.
func (c *activeCall) setWaitingTone(on bool) {
	c.p.fx.mu.Lock()
	defer c.p.fx.mu.Unlock()
	c.fx.tone = on
	if tap := c.userTapLocked(); tap != nil {
		tap.SetTone(on)
	}
}

// swapDevice moves call c to dev (the user picked another device): a
// conference's device when c is in one. The recording and the waiting
// tone carry on. On error dev is still the caller's.
func (c *activeCall) swapDevice(dev audio.Device) error {
	c.p.fx.mu.Lock()
	defer c.p.fx.mu.Unlock()
	if conf := c.fx.conf; conf != nil {
		return conf.swapDevice(dev)
	}
	sess := c.session()
	if sess == nil {
		return fmt.Errorf("audio %s: %w", c.id, call.ErrTransition)
	}
	old := c.view()
	if old == nil {
		return sess.SwapDevice(c.wrapDeviceLocked(dev))
	}
	inner, err := audio.Adapt(dev, old.tap.Format())
	if err != nil {
		return err
	}
	tap := audio.NewTap(inner)
	view, err := newCallDevice(tap, sess.Device().Format())
	if err != nil {
		return err
	}
	tap.SetTone(old.tap.Tone())
	tap.SetMuted(old.tap.Muted())
	rec := old.tap.SetRecorder(nil)
	tap.SetRecorder(rec)
	if err := sess.SwapDevice(view); err != nil {
		tap.SetRecorder(nil)
		old.tap.SetRecorder(rec)
		return err
	}
	return nil
}

// wrapDeviceLocked is wrapDevice with p.fx.mu held.
func (c *activeCall) wrapDeviceLocked(dev audio.Device) audio.Device {
	tap := audio.NewTap(dev)
	tap.SetTone(c.fx.tone)
	return &callDevice{tap: tap, dev: tap}
}

// StartRecording records call id (or its whole conference) and returns the
// file. Recording a call already recorded returns its file.
func (p *Engine) StartRecording(id string) (string, error) {
	c, err := p.getCall(id)
	if err != nil {
		return "", err
	}
	if !c.m.Info().Established() {
		return "", fmt.Errorf("record %s: %w", id, call.ErrTransition)
	}
	p.fx.mu.Lock()
	defer p.fx.mu.Unlock()
	tap, legs := c.userTapLocked(), []*activeCall{c}
	if c.fx.conf != nil {
		legs = c.fx.conf.legs
	}
	if tap == nil {
		return "", fmt.Errorf("record %s: the call has no audio device", id)
	}
	if r := tap.Recorder(); r != nil {
		return r.Path(), nil
	}
	rec, err := p.newRecorder(legs, tap.Format().SampleRate)
	if err != nil {
		return "", err
	}
	tap.SetRecorder(rec)
	for _, l := range legs {
		_ = l.m.Update(func(i *call.Info) { setRecording(i, rec) })
	}
	p.o.log.Info("recording", "call", id, "file", rec.Path())
	return rec.Path(), nil
}

// StopRecording stops recording call id (or its conference) and finishes
// the file.
func (p *Engine) StopRecording(id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	p.fx.mu.Lock()
	tap, legs := c.userTapLocked(), []*activeCall{c}
	if c.fx.conf != nil {
		legs = c.fx.conf.legs
	}
	var rec *audio.Recorder
	if tap != nil {
		rec = tap.SetRecorder(nil)
	}
	if rec != nil {
		for _, l := range legs {
			_ = l.m.Update(func(i *call.Info) { setRecording(i, nil) })
		}
	}
	p.fx.mu.Unlock()
	if rec == nil {
		return fmt.Errorf("record %s: %w", id, ErrNotRecording)
	}
	err = rec.Close()
	p.o.log.Info("recording stopped", "call", id, "file", rec.Path(), "lost_samples", rec.Dropped(), "error", err)
	return err
}

// setRecording says on a call's Info which file records it and since
// when, from rec itself: a conference's recording may have started before
// the call joined, or on another leg. rec nil: none.
func setRecording(i *call.Info, rec *audio.Recorder) {
	i.Recording, i.RecordingSince = "", time.Time{}
	if rec != nil {
		i.Recording, i.RecordingSince = rec.Path(), rec.Started()
	}
}

// newRecorder creates the recording file of legs (one call, or a
// conference's) at rate Hz.
func (p *Engine) newRecorder(legs []*activeCall, rate int) (*audio.Recorder, error) {
	dir, err := p.recordDir()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("recordings folder: %w", err)
	}
	users := make([]string, 0, len(legs))
	for _, l := range legs {
		users = append(users, fileUser(l.m.Info().Remote.URI))
	}
	base := time.Now().Format("2006-01-02_15-04-05") + "_" + strings.Join(users, "+")
	base = base[:min(len(base), 100)]
	mixed := p.Config().Audio.RecordChannels == config.RecordMixed
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

// recordDir is where recordings go: [audio] record_dir, else next to the
// history database, else the default data directory's "recordings".
func (p *Engine) recordDir() (string, error) {
	if d := p.Config().Audio.RecordDir; d != "" {
		return d, nil
	}
	if d := p.fx.recDir.Load(); d != nil {
		return *d, nil
	}
	d, err := store.DefaultDir()
	if err != nil {
		return "", fmt.Errorf("no folder for recordings (set [audio] record_dir): %w", err)
	}
	return filepath.Join(d, "recordings"), nil
}

// setDefaultRecordDir makes dir the recordings folder when the
// configuration names none.
func (p *Engine) setDefaultRecordDir(dir string) { p.fx.recDir.Store(&dir) }

// fileUser is the user part of a SIP URI, safe as part of a file name.
func fileUser(uri string) string {
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

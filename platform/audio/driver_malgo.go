//go:build cgo && (linux || windows || darwin)

package audio

import (
	"fmt"
	"strings"
	"sync"

	"github.com/gen2brain/malgo"

	coreaudio "github.com/softphone/softphone/core/audio"
)

// Driver lists and opens sound devices through one miniaudio context.
type Driver struct {
	opts options

	mu     sync.Mutex
	ctx    *malgo.AllocatedContext // nil once closed
	opened map[*Device]struct{}
	hung   int // devices whose backend never stopped: keep the context
}

var _ coreaudio.Driver = (*Driver)(nil)

// NewDriver initialises miniaudio. Close the driver when done.
func NewDriver(opts ...Option) (*Driver, error) {
	o := buildOptions(opts)
	backends := make([]malgo.Backend, len(o.backends))
	for i, b := range o.backends {
		backends[i] = malgo.Backend(b)
	}
	log := o.log
	ctx, err := malgo.InitContext(backends, malgo.ContextConfig{}, func(msg string) {
		log.Debug("miniaudio", "msg", strings.TrimSpace(msg))
	})
	if err != nil {
		return nil, fmt.Errorf("audio: init miniaudio (backends %v): %w", o.backends, err)
	}
	return &Driver{opts: o, ctx: ctx, opened: make(map[*Device]struct{})}, nil
}

// Close closes the devices still open and releases miniaudio.
func (d *Driver) Close() error {
	d.mu.Lock()
	devs := make([]*Device, 0, len(d.opened))
	for dev := range d.opened {
		devs = append(devs, dev)
	}
	d.mu.Unlock()
	for _, dev := range devs {
		_ = dev.Close()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return nil
	}
	if d.hung > 0 {
		d.ctx = nil
		return fmt.Errorf("audio: %d device(s) never stopped; miniaudio context abandoned", d.hung)
	}
	err := d.ctx.Uninit()
	d.ctx.Free()
	d.ctx = nil
	if err != nil {
		return fmt.Errorf("audio: uninit miniaudio: %w", err)
	}
	return nil
}

// Devices lists capture and playback devices. An entry that is both (same
// ID and name in both lists) is listed once with both flags.
func (d *Driver) Devices() ([]coreaudio.DeviceInfo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return nil, coreaudio.ErrClosed
	}
	var out []coreaudio.DeviceInfo
	for _, kind := range []malgo.DeviceType{malgo.Capture, malgo.Playback} {
		infos, err := d.ctx.Devices(kind)
		if err != nil {
			return nil, fmt.Errorf("audio: list devices: %w", err)
		}
		for i := range infos {
			di := coreaudio.DeviceInfo{
				ID:        infos[i].ID.String(),
				Name:      infos[i].Name(),
				IsDefault: infos[i].IsDefault != 0,
			}
			at := -1
			for j := range out {
				if out[j].ID == di.ID && out[j].Name == di.Name {
					at = j
				}
			}
			if at < 0 {
				out = append(out, di)
				at = len(out) - 1
			}
			out[at].IsDefault = out[at].IsDefault || di.IsDefault
			if kind == malgo.Capture {
				out[at].Capture = true
			} else {
				out[at].Playback = true
			}
		}
	}
	return out, nil
}

// find resolves an ID or name to a device of kind; "" is the default (nil).
func (d *Driver) find(kind malgo.DeviceType, idOrName string) (*malgo.DeviceID, error) {
	if idOrName == "" {
		return nil, nil
	}
	infos, err := d.ctx.Devices(kind)
	if err != nil {
		return nil, fmt.Errorf("audio: list devices: %w", err)
	}
	for i := range infos {
		if infos[i].ID.String() == idOrName {
			return &infos[i].ID, nil
		}
	}
	for i := range infos {
		if infos[i].Name() == idOrName {
			return &infos[i].ID, nil
		}
	}
	what := "playback"
	if kind == malgo.Capture {
		what = "capture"
	}
	return nil, fmt.Errorf("%w: %s device %q", coreaudio.ErrNoDevice, what, idOrName)
}

// Open opens capture device in and playback device out (IDs or names from
// Devices, "" for the system default) at f, 16-bit, with f.Period as the
// device period. The same id for both (or both default) opens one duplex
// device, so both directions share one clock; different ids open two.
func (d *Driver) Open(in, out string, f coreaudio.Format) (coreaudio.Device, error) {
	return d.open(f, &in, &out)
}

// OpenPlayback opens only a playback device (a ringtone needs no
// microphone, and a machine may have none). Its ReadFrame never yields.
func (d *Driver) OpenPlayback(out string, f coreaudio.Format) (coreaudio.Device, error) {
	return d.open(f, nil, &out)
}

// open opens the capture device *in and the playback device *out; a nil
// side is not opened.
func (d *Driver) open(f coreaudio.Format, in, out *string) (coreaudio.Device, error) {
	if f.Channels == 0 {
		f.Channels = 1
	}
	if f.SampleRate <= 0 || f.Channels < 0 || f.FrameSamples() <= 0 {
		return nil, fmt.Errorf("audio: bad format %+v", f)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ctx == nil {
		return nil, coreaudio.ErrClosed
	}
	var inID, outID *malgo.DeviceID
	var err error
	if in != nil {
		if inID, err = d.find(malgo.Capture, *in); err != nil {
			return nil, err
		}
	}
	if outID, err = d.find(malgo.Playback, *out); err != nil {
		return nil, err
	}
	dev := newDevice(f, d.opts, d.release)
	switch {
	case in == nil:
		err = dev.init(d.ctx.Context, malgo.Playback, nil, outID)
	case *in == *out:
		err = dev.init(d.ctx.Context, malgo.Duplex, inID, outID)
	default:
		err = dev.init(d.ctx.Context, malgo.Capture, inID, nil)
		if err == nil {
			err = dev.init(d.ctx.Context, malgo.Playback, nil, outID)
		}
	}
	if err == nil {
		err = dev.start()
	}
	names := fmt.Sprintf("out %q", *out)
	if in != nil {
		names = fmt.Sprintf("in %q, %s", *in, names)
	}
	if err != nil {
		dev.uninit()
		return nil, fmt.Errorf("audio: open devices (%s): %w", names, err)
	}
	d.opened[dev] = struct{}{}
	d.opts.log.Info("audio device open", "devices", names, "rate", f.SampleRate, "period", f.Period, "count", len(dev.devs))
	return dev, nil
}

func (d *Driver) release(dev *Device, hung bool) {
	d.mu.Lock()
	delete(d.opened, dev)
	if hung {
		d.hung++
	}
	d.mu.Unlock()
}

// Package conference keeps the books of the phone's local conferences and
// of where each call's user audio goes: a device of its own (a
// calldev.Device) or a port of a conference's mixer (a media.Bridge).
//
// A local conference joins established calls on this phone: one real
// device (the user's), and per call a port of a media.Bridge in place of
// its own device, so each party hears the others and the user, and the
// user hears every party. Each leg stays an ordinary call (its own SIP
// dialog, codec and media session); Info.Conference names the conference.
//
// The real device is taken over from a call (with its tap: a running
// recording then records the whole conference), and given back to the
// last call left when the conference ends.
//
// Whether a call is in a conference decides which tap records it, plays
// its waiting tone and moves when the user picks another device: so those
// operations live here too, under the same lock.
//
// Locks: Manager.mu is taken before a call's own locks (its call.Machine's,
// its media session's, the bridge's, the call's mutex behind Session) and
// before whatever StartRecording's create takes (the engine's settings
// lock), never under any of them: a port closing inside a session (its
// Close or SwapDevice) updates the books on another goroutine, and the
// mixer reports a failed device on another goroutine too. Machine updates
// made under Manager.mu reach the call's observer, which must not call
// back in here. The waiting tone scheduler takes Manager.mu under its own
// lock (core/waiting): waiting.Tone.mu, then Manager.mu.
package conference

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
	"github.com/softphone/softphone/core/media"
)

// Call is what the books need of a call.
type Call interface {
	ID() string
	Machine() *call.Machine
	Session() *media.Session // nil before its media starts
	Ended() bool
	Leg() *Leg // the call's state here, kept by the call, guarded by Manager.mu
}

// Leg is a call's place in the books; its zero value is a call in no
// conference without the waiting tone.
type Leg struct {
	conf *conference // nil when not in one
	port *media.Port // its device in conf
	tone bool        // the waiting tone is wanted on this call
}

// Options are what a Manager needs of the phone.
type Options struct {
	Log *slog.Logger
	// Open opens a device of the user's for call c at format f: when a
	// call leaves a conference, or no call has a device left to lend one.
	Open func(c call.Info, f audio.Format) (audio.Device, error)
	// DeviceError hears of the user's device failing mid-conference;
	// callID is one of its legs' (or "").
	DeviceError func(callID string, err error)
}

// Manager keeps the conferences of one phone. Its zero value works (with
// slog.Default and no device to open); Configure sets its options before use.
type Manager struct {
	opts Options // set by Configure before any use, read-only after

	mu    sync.Mutex // guards confs, every conference's fields and every Leg
	confs map[string]*conference
	// Legs leaving a conference on their own goroutines (leftFunc);
	// left, on mu, is signalled as each is done.
	leaving atomic.Int32
	left    *sync.Cond
}

// conference is one conference's books, under Manager.mu.
type conference struct {
	m      *Manager
	id     string
	bridge *media.Bridge
	tap    *audio.Tap // the user's device, recording and tone included
	legs   []Call
	muted  bool // the user's microphone, for every party
}

// Configure sets the manager's options; call it before any other method.
func (m *Manager) Configure(o Options) { m.opts = o }

func (m *Manager) log() *slog.Logger {
	if m.opts.Log == nil {
		return slog.Default()
	}
	return m.opts.Log
}

func (m *Manager) open(c Call, f audio.Format) (audio.Device, error) {
	if m.opts.Open == nil {
		return nil, errors.New("no audio devices")
	}
	return m.opts.Open(c.Machine().Info(), f)
}

// Legs are the calls of conference id, nil when id is not a conference.
func (m *Manager) Legs(id string) []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	if conf := m.confs[id]; conf != nil {
		return slices.Clone(conf.legs)
	}
	return nil
}

// Merge joins calls (distinct; at least two, established, with media)
// into one local conference and returns its id. Calls already in a conference bring it
// along (a third call merged with a conference's leg joins it). resume
// runs on each call joining once Info.Conference names it, before its
// device moves: the phone takes held calls off hold there, and its hold
// policy spares the legs of the conference being resumed.
func (m *Manager) Merge(calls []Call, resume func(Call) error) (string, error) {
	if len(calls) < 2 {
		return "", errors.New("merge: a conference needs at least two calls")
	}
	for _, c := range calls {
		if !c.Machine().Info().Established() || c.Session() == nil {
			return "", fmt.Errorf("merge %s: %w", c.ID(), call.ErrTransition)
		}
	}
	m.mu.Lock()
	var conf *conference
	for _, c := range calls {
		l := c.Leg()
		switch {
		case l.conf == nil:
		case conf == nil:
			conf = l.conf
		case conf != l.conf:
			m.mu.Unlock()
			return "", errors.New("merge: the calls are in different conferences")
		}
	}
	id := newConfID()
	if conf != nil {
		id = conf.id
	}
	var joining []Call
	for _, c := range calls {
		if c.Leg().conf == nil {
			joining = append(joining, c)
		}
	}
	m.mu.Unlock()
	if len(joining) == 0 {
		return id, nil
	}
	for _, c := range joining {
		_ = c.Machine().Update(func(i *call.Info) { i.Conference = id })
	}
	undo := func() { // m.mu held
		for _, c := range joining {
			if c.Leg().conf == nil {
				_ = c.Machine().Update(func(i *call.Info) { i.Conference = "" })
			}
		}
	}
	for _, c := range joining {
		if err := resume(c); err != nil {
			m.mu.Lock()
			undo()
			m.mu.Unlock()
			return "", fmt.Errorf("merge: resume %s: %w", c.ID(), err)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var err error
	if slices.ContainsFunc(joining, func(c Call) bool { return c.Leg().conf != nil }) {
		err = errors.New("merge: a call joined another conference meanwhile")
	} else if conf == nil {
		conf, err = m.newConference(id, joining)
	} else if m.confs[conf.id] != conf {
		err = errors.New("merge: the conference has ended")
	} else {
		err = conf.join(joining)
	}
	if err != nil {
		undo()
		return "", err
	}
	conf.announce()
	m.log().Info("conference", "id", id, "calls", len(conf.legs), "mix_rate", conf.bridge.Rate())
	return id, nil
}

func newConfID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("conf-%x", b)
}

// own is call c's own device view, nil while in a conference, before
// media, or after its device failed (the session then runs a bare null
// device).
func own(c Call) *calldev.Device {
	sess := c.Session()
	if sess == nil {
		return nil
	}
	return calldev.Own(sess.Device())
}

// newConference bridges calls around the user's device, taken from the
// first call that records (else the first call with its own device).
// m.mu held.
func (m *Manager) newConference(id string, calls []Call) (*conference, error) {
	var donor *calldev.Device
	for _, c := range calls {
		v := own(c)
		if v == nil {
			continue
		}
		if donor == nil || (donor.Tap().Recorder() == nil && v.Tap().Recorder() != nil) {
			donor = v
		}
	}
	var tap *audio.Tap
	if donor != nil {
		tap = donor.Tap()
	} else {
		// No call has a device of its own left (each failed): open one.
		dev, err := m.open(calls[0], calls[0].Session().Device().Format())
		if err != nil {
			return nil, fmt.Errorf("merge: audio device: %w", err)
		}
		tap = audio.NewTap(dev)
	}
	conf := &conference{m: m, id: id, tap: tap}
	// Mixed at the highest rate among the device and the calls: nothing
	// a party sends is narrowed, nothing is widened for nothing.
	rate := tap.Format().SampleRate
	for _, c := range calls {
		rate = max(rate, c.Session().Device().Format().SampleRate)
	}
	b, err := media.NewBridge(tap, rate, conf.deviceError, m.log())
	if err != nil {
		if donor == nil {
			tap.Close()
		}
		return nil, fmt.Errorf("merge: %w", err)
	}
	conf.bridge = b
	for _, c := range calls {
		if c.Leg().tone {
			tap.SetTone(true)
		}
	}
	if donor != nil {
		donor.HandOver(true) // the session's Close must leave the tap open
	}
	if err := conf.join(calls); err != nil {
		if donor != nil {
			donor.HandOver(false)
			b.Stop()
		} else {
			b.Stop()
			tap.Close()
		}
		return nil, err
	}
	if m.confs == nil {
		m.confs = map[string]*conference{}
	}
	m.confs[id] = conf
	b.Start()
	return conf, nil
}

// join moves calls onto ports of the bridge: each session swaps to its
// port, which closes the call's own device (not the donor's, kept). All
// or none join. A call muted before joining mutes the conference: the
// user's microphone is not opened to anyone by a merge. m.mu held.
func (conf *conference) join(calls []Call) error {
	ports := make([]*media.Port, len(calls))
	for i, c := range calls {
		port, err := conf.bridge.AddPort(c.Session().Device().Format(), conf.leftFunc(c))
		if err != nil {
			for _, p := range ports[:i] {
				p.Close() // not in the books yet: its leftFunc finds nothing to do
			}
			return fmt.Errorf("merge %s: %w", c.ID(), err)
		}
		ports[i] = port
	}
	for i, c := range calls {
		l := c.Leg()
		l.conf, l.port = conf, ports[i]
		sess := c.Session()
		// Formats match by construction: the port copies the session's.
		if err := sess.SwapDevice(ports[i]); err != nil {
			conf.m.log().Warn("conference: device swap", "call", c.ID(), "error", err)
		}
		if c.Ended() {
			// It ended meanwhile, maybe before the swap: its session
			// will not close the port.
			ports[i].Close()
		}
		conf.muted = conf.muted || c.Machine().Info().Muted
		sess.Mute(false) // the party hears the others; the bridge mutes the user
		conf.legs = append(conf.legs, c)
	}
	conf.setMuted(conf.muted)
	return nil
}

// leftFunc is what runs when c's port closes: the call ended (or was
// moved off the bridge, which then finds nothing to do). The port closes
// inside the session's Close or SwapDevice, maybe under m.mu: the books
// are updated on another goroutine.
func (conf *conference) leftFunc(c Call) func() {
	m := conf.m
	return func() {
		m.leaving.Add(1)
		go func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			if c.Leg().conf == conf {
				conf.remove(c)
			}
			m.leaving.Add(-1)
			m.cond().Broadcast()
		}()
	}
}

// cond is the condition of leaving; m.mu held.
func (m *Manager) cond() *sync.Cond {
	if m.left == nil {
		m.left = sync.NewCond(&m.mu)
	}
	return m.left
}

// Wait waits until the calls that left conferences are out of the books:
// after the last call of a conference ended, its device is closed and its
// recording finished.
func (m *Manager) Wait() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for m.leaving.Load() > 0 {
		m.cond().Wait()
	}
}

// remove takes c out of the conference's books, and ends the conference
// when one call (or none) is left. m.mu held.
func (conf *conference) remove(c Call) {
	l := c.Leg()
	if l.port != nil {
		st := l.port.Stats()
		conf.m.log().Info("conference: call left", "conference", conf.id, "call", c.ID(),
			"late_periods", st.Underruns, "dropped_periods", st.Dropped, "overrun_periods", st.Overruns)
	}
	conf.legs = slices.DeleteFunc(conf.legs, func(o Call) bool { return o == c })
	l.conf, l.port = nil, nil
	if !c.Ended() { // a leg hung up: its ended event says it all
		_ = c.Machine().Update(func(i *call.Info) { i.Conference = "" })
	}
	switch len(conf.legs) {
	case 0:
		conf.end(nil)
	case 1:
		conf.end(conf.legs[0])
	default:
		conf.announce()
	}
}

// end stops the bridge and gives the device back to last (nil: closes
// it). m.mu held.
func (conf *conference) end(last Call) {
	m := conf.m
	delete(m.confs, conf.id)
	tap, ok := conf.bridge.Stop().(*audio.Tap)
	if !ok {
		// The user's device failed mid-conference: the bridge went on
		// with a silent one (the failed tap closed, its recording with it).
		tap = audio.NewTap(conf.bridge.Device())
	}
	conf.legs = nil
	if last == nil {
		_ = tap.Close()
		return
	}
	l := last.Leg()
	l.conf, l.port = nil, nil
	tap.SetTone(l.tone)
	rec := tap.Recorder()
	_ = last.Machine().Update(func(i *call.Info) {
		i.Conference = ""
		calldev.SetRecording(i, rec)
	})
	sess := last.Session()
	sess.Mute(conf.muted) // the call keeps the conference's mute (Info.Muted says so)
	view, err := calldev.NewView(tap, sess.Device().Format())
	if err == nil {
		err = sess.SwapDevice(view)
	}
	if err != nil {
		m.log().Warn("conference: the last call could not take the device back", "call", last.ID(), "error", err)
		_ = tap.Close()
		return
	}
	if last.Ended() {
		// It ended meanwhile: its session may have closed its port, not
		// the view swapped in after.
		_ = view.Close()
	}
	m.log().Info("conference ended", "id", conf.id, "call", last.ID())
}

// announce sets Conference, Recording and Muted on every leg. m.mu held.
func (conf *conference) announce() {
	rec := conf.tap.Recorder()
	for _, c := range conf.legs {
		_ = c.Machine().Update(func(i *call.Info) {
			i.Conference, i.Muted = conf.id, conf.muted
			calldev.SetRecording(i, rec)
		})
	}
}

// deviceError reports the user's device failing mid-conference (on the
// bridge's own goroutine).
func (conf *conference) deviceError(err error) {
	m := conf.m
	m.mu.Lock()
	id := ""
	if len(conf.legs) > 0 {
		id = conf.legs[0].ID()
	}
	m.mu.Unlock()
	if m.opts.DeviceError != nil {
		m.opts.DeviceError(id, err)
	}
}

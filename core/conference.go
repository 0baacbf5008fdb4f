package core

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
)

// A local conference joins established calls on this phone: one real
// device (the user's), and per call a port of a media.Bridge in place of
// its own device, so each party hears the others and the user, and the
// user hears every party. Each leg stays an ordinary call (its own SIP
// dialog, codec and media session); Info.Conference names the conference.
//
// The real device is taken over from a call (with its tap: a running
// recording then records the whole conference), and given back to the
// last call left when the conference ends.

// phoneFX is the phone's media features state.
type phoneFX struct {
	mu     sync.Mutex // conferences and the calls' fx
	confs  map[string]*conference
	recDir atomic.Pointer[string] // see setDefaultRecordDir
	// Legs leaving a conference on their own goroutines (leftFunc);
	// left is signalled, under mu, as each is done.
	leaving atomic.Int32
	left    *sync.Cond
}

// callFX is a call's media features state, under p.fx.mu.
type callFX struct {
	conf *conference // nil when not in one
	port *media.Port // its device in conf
	tone bool        // the waiting tone is wanted on this call
}

type conference struct {
	p      *Engine
	id     string
	bridge *media.Bridge
	tap    *audio.Tap // the user's device, recording and tone included
	legs   []*activeCall
	muted  bool // the user's microphone, for every party
}

// Merge joins the calls into one local conference and returns its id.
// Calls already in a conference bring it along (a third call merged with
// a conference's leg joins it); an id may also be a conference's. Held
// calls are resumed first; other calls in progress go on hold.
func (p *Engine) Merge(ctx context.Context, ids ...string) (string, error) {
	calls, err := p.mergeCalls(ids)
	if err != nil {
		return "", err
	}
	p.fx.mu.Lock()
	var conf *conference
	for _, c := range calls {
		switch {
		case c.fx.conf == nil:
		case conf == nil:
			conf = c.fx.conf
		case conf != c.fx.conf:
			p.fx.mu.Unlock()
			return "", errors.New("merge: the calls are in different conferences")
		}
	}
	id := newConfID()
	if conf != nil {
		id = conf.id
	}
	var joining []*activeCall
	for _, c := range calls {
		if c.fx.conf == nil {
			joining = append(joining, c)
		}
	}
	p.fx.mu.Unlock()
	if len(joining) == 0 {
		return id, nil
	}
	// Named in the conference before resuming: resuming puts every call
	// outside the resumed call's conference on hold.
	for _, c := range joining {
		_ = c.m.Update(func(i *call.Info) { i.Conference = id })
	}
	undo := func() { // p.fx.mu held
		for _, c := range joining {
			if c.fx.conf == nil {
				_ = c.m.Update(func(i *call.Info) { i.Conference = "" })
			}
		}
	}
	for _, c := range joining {
		if c.m.Info().LocalHold {
			if err := p.setHold(ctx, c.id, false); err != nil {
				p.fx.mu.Lock()
				undo()
				p.fx.mu.Unlock()
				return "", fmt.Errorf("merge: resume %s: %w", c.id, err)
			}
		}
	}
	p.fx.mu.Lock()
	defer p.fx.mu.Unlock()
	if slices.ContainsFunc(joining, func(c *activeCall) bool { return c.fx.conf != nil }) {
		err = errors.New("merge: a call joined another conference meanwhile")
	} else if conf == nil {
		conf, err = p.newConference(id, joining)
	} else if p.fx.confs[conf.id] != conf {
		err = errors.New("merge: the conference has ended")
	} else {
		err = conf.join(joining)
	}
	if err != nil {
		undo()
		return "", err
	}
	conf.announce()
	p.o.log.Info("conference", "id", id, "calls", len(conf.legs), "mix_rate", conf.bridge.Rate())
	return id, nil
}

// mergeCalls resolves Merge's ids (calls or conferences) into distinct
// established calls with media, at least two.
func (p *Engine) mergeCalls(ids []string) ([]*activeCall, error) {
	var calls []*activeCall
	add := func(c *activeCall) {
		if !slices.Contains(calls, c) {
			calls = append(calls, c)
		}
	}
	for _, id := range ids {
		p.fx.mu.Lock()
		conf := p.fx.confs[id]
		var legs []*activeCall
		if conf != nil {
			legs = slices.Clone(conf.legs)
		}
		p.fx.mu.Unlock()
		if conf != nil {
			for _, c := range legs {
				add(c)
			}
			continue
		}
		c, err := p.getCall(id)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		add(c)
	}
	if len(calls) < 2 {
		return nil, errors.New("merge: a conference needs at least two calls")
	}
	for _, c := range calls {
		if !c.m.Info().Established() || c.session() == nil {
			return nil, fmt.Errorf("merge %s: %w", c.id, call.ErrTransition)
		}
	}
	return calls, nil
}

func newConfID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("conf-%x", b)
}

// newConference bridges calls around the user's device, taken from the
// first call that records (else the first call with its own device).
// p.fx.mu held.
func (p *Engine) newConference(id string, calls []*activeCall) (*conference, error) {
	var donor *callDevice
	for _, c := range calls {
		v := c.view()
		if v == nil {
			continue
		}
		if donor == nil || (donor.tap.Recorder() == nil && v.tap.Recorder() != nil) {
			donor = v
		}
	}
	var tap *audio.Tap
	if donor != nil {
		tap = donor.tap
	} else {
		// No call has a device of its own left (each failed): open one.
		f := calls[0].session().Device().Format()
		dev, err := p.o.audio(calls[0].m.Info(), f)
		if err != nil {
			return nil, fmt.Errorf("merge: audio device: %w", err)
		}
		tap = audio.NewTap(dev)
	}
	conf := &conference{p: p, id: id, tap: tap}
	// Mixed at the highest rate among the device and the calls: nothing
	// a party sends is narrowed, nothing is widened for nothing.
	rate := tap.Format().SampleRate
	for _, c := range calls {
		rate = max(rate, c.session().Device().Format().SampleRate)
	}
	b, err := media.NewBridge(tap, rate, conf.deviceError, p.o.log)
	if err != nil {
		if donor == nil {
			tap.Close()
		}
		return nil, fmt.Errorf("merge: %w", err)
	}
	conf.bridge = b
	for _, c := range calls {
		if c.fx.tone {
			tap.SetTone(true)
		}
	}
	if donor != nil {
		donor.keep.Store(true) // the session's Close must leave the tap open
	}
	if err := conf.join(calls); err != nil {
		if donor != nil {
			donor.keep.Store(false)
			b.Stop()
		} else {
			b.Stop()
			tap.Close()
		}
		return nil, err
	}
	if p.fx.confs == nil {
		p.fx.confs = map[string]*conference{}
	}
	p.fx.confs[id] = conf
	b.Start()
	return conf, nil
}

// join moves calls onto ports of the bridge: each session swaps to its
// port, which closes the call's own device (not the donor's, kept). All
// or none join. A call muted before joining mutes the conference: the
// user's microphone is not opened to anyone by a merge. p.fx.mu held.
func (conf *conference) join(calls []*activeCall) error {
	ports := make([]*media.Port, len(calls))
	for i, c := range calls {
		port, err := conf.bridge.AddPort(c.session().Device().Format(), conf.leftFunc(c))
		if err != nil {
			for _, p := range ports[:i] {
				p.Close() // not in the books yet: its leftFunc finds nothing to do
			}
			return fmt.Errorf("merge %s: %w", c.id, err)
		}
		ports[i] = port
	}
	for i, c := range calls {
		c.fx.conf, c.fx.port = conf, ports[i]
		sess := c.session()
		// Formats match by construction: the port copies the session's.
		if err := sess.SwapDevice(ports[i]); err != nil {
			conf.p.o.log.Warn("conference: device swap", "call", c.id, "error", err)
		}
		if c.isEnded() {
			// It ended meanwhile, maybe before the swap: its session
			// will not close the port.
			ports[i].Close()
		}
		conf.muted = conf.muted || c.m.Info().Muted
		sess.Mute(false) // the party hears the others; the bridge mutes the user
		conf.legs = append(conf.legs, c)
	}
	conf.setMuted(conf.muted)
	return nil
}

// leftFunc is what runs when c's port closes: the call ended (or was
// moved off the bridge, which then finds nothing to do). The port closes
// inside the session's Close or SwapDevice, maybe under p.fx.mu: the
// books are updated on another goroutine.
func (conf *conference) leftFunc(c *activeCall) func() {
	p := conf.p
	return func() {
		p.fx.leaving.Add(1)
		go func() {
			p.fx.mu.Lock()
			defer p.fx.mu.Unlock()
			if c.fx.conf == conf {
				conf.remove(c)
			}
			p.fx.leaving.Add(-1)
			p.fx.cond().Broadcast()
		}()
	}
}

// cond is the condition of leaving; p.fx.mu held.
func (fx *phoneFX) cond() *sync.Cond {
	if fx.left == nil {
		fx.left = sync.NewCond(&fx.mu)
	}
	return fx.left
}

// waitConferences waits until the calls that left conferences are out of
// their books: after the last call of a conference ended, its device is
// closed and its recording finished.
func (p *Engine) waitConferences() {
	p.fx.mu.Lock()
	defer p.fx.mu.Unlock()
	for p.fx.leaving.Load() > 0 {
		p.fx.cond().Wait()
	}
}

// remove takes c out of the conference's books, and ends the conference
// when one call (or none) is left. p.fx.mu held.
func (conf *conference) remove(c *activeCall) {
	if c.fx.port != nil {
		st := c.fx.port.Stats()
		conf.p.o.log.Info("conference: call left", "conference", conf.id, "call", c.id,
			"late_periods", st.Underruns, "dropped_periods", st.Dropped, "overrun_periods", st.Overruns)
	}
	conf.legs = slices.DeleteFunc(conf.legs, func(l *activeCall) bool { return l == c })
	c.fx.conf, c.fx.port = nil, nil
	if !c.isEnded() { // a leg hung up: its ended event says it all
		_ = c.m.Update(func(i *call.Info) { i.Conference = "" })
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
// it). p.fx.mu held.
func (conf *conference) end(last *activeCall) {
	p := conf.p
	delete(p.fx.confs, conf.id)
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
	last.fx.conf, last.fx.port = nil, nil
	tap.SetTone(last.fx.tone)
	rec := tap.Recorder()
	_ = last.m.Update(func(i *call.Info) {
		i.Conference = ""
		setRecording(i, rec)
	})
	sess := last.session()
	sess.Mute(conf.muted) // the call keeps the conference's mute (Info.Muted says so)
	view, err := newCallDevice(tap, sess.Device().Format())
	if err == nil {
		err = sess.SwapDevice(view)
	}
	if err != nil {
		p.o.log.Warn("conference: the last call could not take the device back", "call", last.id, "error", err)
		_ = tap.Close()
		return
	}
	if last.isEnded() {
		// It ended meanwhile: its session may have closed its port, not
		// the view swapped in after.
		_ = view.Close()
	}
	p.o.log.Info("conference ended", "id", conf.id, "call", last.id)
}

// announce sets Conference, Recording and Muted on every leg.
func (conf *conference) announce() {
	rec := conf.tap.Recorder()
	for _, c := range conf.legs {
		_ = c.m.Update(func(i *call.Info) {
			i.Conference, i.Muted = conf.id, conf.muted
			setRecording(i, rec)
		})
	}
}

// deviceError reports the user's device failing mid-conference.
func (conf *conference) deviceError(err error) {
	p := conf.p
	p.fx.mu.Lock()
	id := ""
	if len(conf.legs) > 0 {
		id = conf.legs[0].id
	}
	p.fx.mu.Unlock()
	p.bus.Publish(DeviceEvent{CallID: id, Error: err.Error()})
}

package core

import (
	"context"
	"fmt"
	"slices"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/conference"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/waiting"
)

// Local conferences are kept by core/conference; the phone resolves ids
// into calls and keeps the hold policy: held calls are resumed to join,
// and a call split off goes on hold like any second call.

// confOptions are what the conferences need of the phone.
func (p *Engine) confOptions() conference.Options {
	return conference.Options{
		Log:  p.o.log,
		Open: func(c call.Info, f audio.Format) (audio.Device, error) { return p.o.audio(c, f) },
		DeviceError: func(id string, err error) {
			p.bus.Publish(DeviceEvent{CallID: id, Error: err.Error()})
		},
	}
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
	// Each joining call is named in the conference before it resumes:
	// resuming puts every call outside that conference on hold.
	return p.confs.Merge(calls, func(c conference.Call) error {
		if !c.Machine().Info().LocalHold {
			return nil
		}
		return p.setHold(ctx, c.ID(), false)
	})
}

// mergeCalls resolves Merge's ids (calls or conferences) into distinct
// calls.
func (p *Engine) mergeCalls(ids []string) ([]conference.Call, error) {
	var calls []conference.Call
	add := func(c conference.Call) {
		if !slices.Contains(calls, c) {
			calls = append(calls, c)
		}
	}
	for _, id := range ids {
		if legs := p.confs.Legs(id); legs != nil {
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
	return calls, nil
}

// Split takes a call out of its conference: it gets a device of its own
// again and goes on hold, like any second call. A conference left with
// one call ends.
func (p *Engine) Split(ctx context.Context, id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if err := p.confs.Split(c); err != nil {
		return err
	}
	if err := p.setHold(ctx, id, true); err != nil {
		return fmt.Errorf("split %s: hold: %w", id, err)
	}
	return nil
}

// A call as the conferences and the waiting tone see it.
var (
	_ conference.Call = (*activeCall)(nil)
	_ waiting.Call    = (*activeCall)(nil)
)

func (c *activeCall) ID() string              { return c.id }
func (c *activeCall) Machine() *call.Machine  { return c.m }
func (c *activeCall) Session() *media.Session { return c.session() }
func (c *activeCall) Ended() bool             { return c.isEnded() }
func (c *activeCall) Leg() *conference.Leg    { return &c.leg }
func (c *activeCall) SetWaitingTone(on bool)  { c.p.confs.SetTone(c, on) }

// swapDevice moves call c to dev (the user picked another device): its
// conference's device when c is in one; recording and tone carry on. On
// error dev is still the caller's.
func (c *activeCall) swapDevice(dev audio.Device) error { return c.p.confs.SwapDevice(c, dev) }

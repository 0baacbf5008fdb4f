package core

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/softphone/softphone/core/media"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/callmedia"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
)

// WithVideoDriver sets where video calls capture from (cameras, screens);
// default: the test pattern only.
func WithVideoDriver(d video.Driver) Option { return func(o *options) { o.video = d } }

// WithMediaInterceptor adds f's stage next to every stream's socket (kind
// "audio" or "video"): tests and benchmarks impair the network there.
func WithMediaInterceptor(f func(kind string, tr media.Transport) media.Transport) Option {
	return func(o *options) { o.intercept = f }
}

// SetVideo adds, drops or changes a call's video: on a ringing call it
// says how the call will be answered; on a call in progress it offers
// the change to the far end (re-INVITE) when the SDP must say it.
func (p *Engine) SetVideo(ctx context.Context, id string, v call.VideoRequest) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	offer, err := c.media.SetVideo(ctx, v)
	if err == nil && offer != nil {
		var answer []byte
		if answer, err = c.reInvite(ctx, offer); err == nil {
			err = c.media.Renegotiated(answer)
		}
	}
	c.showVideo()
	if err != nil {
		return fmt.Errorf("video %s: %w", id, err)
	}
	return nil
}

// showVideo puts the call's video as it stands into its Info.
func (c *activeCall) showVideo() {
	v := c.media.VideoInfo()
	if old := c.m.Info().Video; !reflect.DeepEqual(old, v) {
		_ = c.m.Update(func(i *call.Info) { i.Video = v })
	}
}

// VideoFeeds are the pictures of a call's video: the far end's and our
// preview; nil for an unknown call or a phone without video.
func (p *Engine) VideoFeeds(id string) (remote, local *video.Feed) {
	c, err := p.getCall(id)
	if err != nil {
		return nil, nil
	}
	return c.media.VideoFeeds()
}

// VideoDevices lists the capture devices video calls can send from.
func (p *Engine) VideoDevices(ctx context.Context) ([]video.DeviceInfo, error) {
	return p.o.video.Devices(ctx)
}

// UpdateVideo saves the [video] settings for the calls to come.
func (p *Engine) UpdateVideo(ctx context.Context, v config.Video) error {
	if _, err := callmedia.VideoFor(v, p.o.video); err != nil {
		return err
	}
	return p.saveSettings(func(c *config.Config) { c.Video = v }, nil)
}

// videoConfig is what a new call's video uses, from the settings (checked
// when they were loaded or saved).
func (p *Engine) videoConfig() *callmedia.VideoConfig {
	p.mu.Lock()
	v := p.conf.Video
	p.mu.Unlock()
	vc, _ := callmedia.VideoFor(v, p.o.video)
	return vc
}

// reInvite sends offer in the call's dialog and returns the answer.
func (c *activeCall) reInvite(ctx context.Context, offer []byte) ([]byte, error) {
	c.mu.Lock()
	d := c.dialog
	c.mu.Unlock()
	if d == nil {
		return nil, call.ErrTransition
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return d.ReInvite(ctx, offer)
}

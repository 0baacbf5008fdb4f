package guitest

import (
	"context"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
)

// SetVideo records the request and shows it in the call as the phone
// would once the far end agreed.
func (p *Phone) SetVideo(_ context.Context, id string, v call.VideoRequest) error {
	return p.change(id, func(c *call.Info) {
		if !v.Video {
			c.Video = nil
			return
		}
		cv := call.Video{Codec: "VP8", Receiving: true, Sending: v.Send, Source: v.Source}
		cv.Screen = len(v.Source) > 6 && (v.Source[:7] == "screen:" || v.Source[:7] == "window:")
		c.Video = &cv
	}, "SetVideo", v.Video, v.Send, v.Source)
}

// VideoFeeds serves RemoteFeeds and LocalFeeds (by call id).
func (p *Phone) VideoFeeds(id string) (remote, local *video.Feed) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.RemoteFeeds[id], p.LocalFeeds[id]
}

// VideoDevices serves VideoDevs.
func (p *Phone) VideoDevices(context.Context) ([]video.DeviceInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.VideoDevs, p.record("VideoDevices")
}

// UpdateVideo saves v into Cfg.
func (p *Phone) UpdateVideo(_ context.Context, v config.Video) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.record("UpdateVideo"); err != nil {
		return err
	}
	p.Cfg.Video = v
	return nil
}

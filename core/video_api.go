package core

import (
	"context"
	"errors"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
)

// SetVideo adds, drops or changes a call's video.
func (p *Engine) SetVideo(ctx context.Context, id string, v call.VideoRequest) error {
	return errors.ErrUnsupported
}

// VideoFeeds are the pictures of a call's video: the far end's and our
// preview; nil when the call has no video.
func (p *Engine) VideoFeeds(id string) (remote, local *video.Feed) { return nil, nil }

// VideoDevices lists the capture devices video calls can send from.
func (p *Engine) VideoDevices(ctx context.Context) ([]video.DeviceInfo, error) {
	return nil, errors.ErrUnsupported
}

// UpdateVideo saves the [video] settings for the calls to come.
func (p *Engine) UpdateVideo(ctx context.Context, v config.Video) error {
	return errors.ErrUnsupported
}

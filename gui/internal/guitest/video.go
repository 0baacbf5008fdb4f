package guitest

import (
	"context"
	"testing"
	"time"

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

// SetFeeds gives call id these video feeds (nil: none).
func (p *Phone) SetFeeds(id string, remote, local *video.Feed) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.RemoteFeeds == nil {
		p.RemoteFeeds, p.LocalFeeds = map[string]*video.Feed{}, map[string]*video.Feed{}
	}
	p.RemoteFeeds[id], p.LocalFeeds[id] = remote, local
}

// PatternFeed is a feed holding frame n of the test pattern at w×h,
// stamped at, so a screenshot of it is the same on every run.
func PatternFeed(t testing.TB, w, h int, n uint32, at time.Time) *video.Feed {
	t.Helper()
	f := new(video.Feed)
	PutPattern(t, f, w, h, n, at)
	return f
}

// PutPattern puts frame n of a w×h test pattern into f.
func PutPattern(t testing.TB, f *video.Feed, w, h int, n uint32, at time.Time) {
	t.Helper()
	tp, err := video.NewTestPattern(video.Constraints{Width: w, Height: h}, func() time.Time { return at })
	if err != nil {
		t.Fatal(err)
	}
	fr, err := tp.Read(t.Context()) // frame 0, due at once: its picture is the pattern's buffer
	if err != nil {
		t.Fatal(err)
	}
	tp.Draw(n, at)
	f.Put(fr.Image, at)
}

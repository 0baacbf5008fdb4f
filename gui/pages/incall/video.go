package incall

import (
	"context"
	"image"
	"sync"

	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// videoState is the page's video: the two views, the feeds it asked to
// be told about, the corner preview's place and the full-screen mode.
type videoState struct {
	remote, local widgets.VideoView

	// watched are the feeds whose SetNotify redraws the window.
	watched [2]*video.Feed
	// full: only the video and a small bar fill the window.
	full bool
	// window is the window's hook the page went full screen with.
	window func(bool)
	// grid: the user opened the controls over a video call.
	grid bool

	// place is where the preview sits, as fractions (0..1) of the room
	// it can move in: it keeps its corner when the area changes size.
	// It belongs to the window, not to a call.
	place   [2]float32
	drag    dragState
	lastOff image.Point // the preview's offset in the last frame

	toggle, camera, share, fullBtn, more, back, exitFull widget.Clickable
	shareRows                                            []widget.Clickable
	shareList                                            widget.List

	// Capture devices, read on the command queue.
	mu         sync.Mutex // guards devs, devErr, devLoading
	devs       []video.DeviceInfo
	devErr     error
	devLoading bool
}

// dragState follows a drag of the preview.
type dragState struct {
	active bool
	grab   image.Point // where the pointer took the preview, in area coordinates
	start  image.Point // the preview's offset then
}

// videoOn says whether the call has video the page shows: the far end's
// pictures come in.
func videoOn(c call.Info) bool { return c.Video != nil && c.Video.Receiving }

// videoTaken says whether the call carries video we took: not none, nor
// only offered by the far end.
func videoTaken(c call.Info) bool { return c.Video != nil && !c.Video.Offered }

// feeds are c's video feeds; both nil without video.
func feeds(e *env.Env, c call.Info) (remote, local *video.Feed) {
	if c.Video == nil {
		return nil, nil
	}
	return e.Phone.VideoFeeds(c.ID)
}

// watch makes new pictures of the shown call's feeds redraw the window,
// and the feeds of a call no longer shown stop doing so.
func (p *Page) watch(e *env.Env, remote, local *video.Feed) {
	want := [2]*video.Feed{remote, local}
	if e.Invalidate == nil {
		want = [2]*video.Feed{}
	}
	if want == p.video.watched {
		return
	}
	for _, f := range p.video.watched {
		if f != nil {
			f.SetNotify(nil)
		}
	}
	for _, f := range want {
		if f != nil {
			f.SetNotify(e.Invalidate)
		}
	}
	p.video.watched = want
}

// Offscreen is called for each frame the page is not drawn in: its video
// stops asking for frames, and full screen ends.
func (p *Page) Offscreen() {
	for _, f := range p.video.watched {
		if f != nil {
			f.SetNotify(nil)
		}
	}
	p.video.watched = [2]*video.Feed{}
	p.leaveFull()
}

// FullVideo says whether the page shows full-screen video: the window
// draws the page alone.
func (p *Page) FullVideo() bool { return p.video.full }

// LeftFullscreen tells the page the window is no longer full screen (the
// desktop or the user ended it).
func (p *Page) LeftFullscreen() {
	p.video.full = false
	p.video.window = nil
}

// leaveFull leaves full screen, the window's too if the page asked it.
func (p *Page) leaveFull() {
	v := &p.video
	if !v.full {
		return
	}
	v.full = false
	if v.window != nil {
		v.window(false)
		v.window = nil
	}
}

// enterFull goes full screen with e's window hook.
func (p *Page) enterFull(e *env.Env) {
	if p.video.full {
		return
	}
	p.video.full = true
	p.video.window = e.Fullscreen
	if e.Fullscreen != nil {
		e.Fullscreen(true)
	}
}

// setVideo queues a change of the call's video.
func setVideo(e *env.Env, what, id string, r call.VideoRequest) {
	e.Run(what, func(ctx context.Context) error { return e.Phone.SetVideo(ctx, id, r) })
}

// updateVideo handles the video controls' taps.
func (p *Page) updateVideo(gtx layout.Context, e *env.Env, c call.Info) {
	v := &p.video
	id := c.ID
	if v.toggle.Clicked(gtx) {
		if !videoTaken(c) {
			setVideo(e, "Start video", id, call.VideoRequest{Video: true, Send: true})
			v.grid = false
		} else {
			setVideo(e, "Stop video", id, call.VideoRequest{})
			p.leaveFull()
		}
	}
	if v.camera.Clicked(gtx) && videoTaken(c) {
		what := "Camera off"
		if !c.Video.Sending {
			what = "Camera on"
		}
		setVideo(e, what, id, call.VideoRequest{Video: true, Send: !c.Video.Sending, Source: c.Video.Source})
	}
	if v.share.Clicked(gtx) {
		if c.Video != nil && c.Video.Screen {
			// Back to the camera the settings name.
			setVideo(e, "Stop sharing", id, call.VideoRequest{Video: true, Send: true})
		} else {
			p.panel = panelShare
			p.loadVideoDevices(e)
			p.leaveFull()
		}
	}
	for i := range v.shareRows {
		if v.shareRows[i].Clicked(gtx) {
			if d, ok := p.shareable(i); ok {
				setVideo(e, "Share "+d.Name, id, call.VideoRequest{Video: true, Send: true, Source: d.ID})
				p.panel = panelControls
			}
		}
	}
	if v.fullBtn.Clicked(gtx) {
		p.enterFull(e)
	}
	if v.exitFull.Clicked(gtx) {
		p.leaveFull()
	}
	if v.more.Clicked(gtx) {
		v.grid = true
		p.leaveFull()
	}
	if v.back.Clicked(gtx) {
		v.grid = false
	}
	for {
		// F11 switches full-screen video.
		ev, ok := gtx.Event(key.Filter{Name: key.NameF11})
		if !ok {
			break
		}
		if k, isKey := ev.(key.Event); isKey && k.State == key.Press && videoOn(c) {
			if v.full {
				p.leaveFull()
			} else {
				p.panel, v.grid = panelControls, false
				p.enterFull(e)
			}
		}
	}
	if !videoOn(c) {
		p.leaveFull()
	}
}

// loadVideoDevices lists the capture devices off the frame goroutine.
func (p *Page) loadVideoDevices(e *env.Env) {
	v := &p.video
	v.mu.Lock()
	if v.devLoading {
		v.mu.Unlock()
		return
	}
	v.devLoading = true
	v.mu.Unlock()
	e.Run("Video devices", func(ctx context.Context) error {
		devs, err := e.Phone.VideoDevices(ctx)
		v.mu.Lock()
		defer v.mu.Unlock()
		v.devLoading, v.devErr = false, err
		if err == nil {
			v.devs = devs
		}
		return err
	})
}

// shareableDevices are the screens and windows among devs.
func shareableDevices(devs []video.DeviceInfo) []video.DeviceInfo {
	var out []video.DeviceInfo
	for _, d := range devs {
		if d.Kind == video.KindScreen || d.Kind == video.KindWindow {
			out = append(out, d)
		}
	}
	return out
}

// shareable is the i-th screen or window listed.
func (p *Page) shareable(i int) (video.DeviceInfo, bool) {
	p.video.mu.Lock()
	defer p.video.mu.Unlock()
	ds := shareableDevices(p.video.devs)
	if i < 0 || i >= len(ds) {
		return video.DeviceInfo{}, false
	}
	return ds[i], true
}

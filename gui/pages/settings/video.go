package settings

import (
	"context"
	"slices"

	"gioui.org/layout"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// videoSizes are the picture sizes a user picks from; "" in the file
// means the first of the phone's defaults, 640x480.
var videoSizes = []struct{ key, label string }{
	{"352x288", "352 × 288"},
	{"640x480", "640 × 480"},
	{"1280x720", "1280 × 720 (HD)"},
}

const defaultVideoSize = "640x480"

// videoSizeName is the size a config means: "" is the default.
func videoSizeName(s string) string {
	if s == "" {
		return defaultVideoSize
	}
	return s
}

// cameraChoice is one line of the camera list.
type cameraChoice struct{ key, label, note string }

// cameraChoices are "automatic", the cameras, then the test pattern; the
// configured camera stays listed when it is not plugged in.
func cameraChoices(ds []video.DeviceInfo, current string, loaded bool) []cameraChoice {
	out := []cameraChoice{{"", "Automatic", "first camera, else the test pattern"}}
	test := cameraChoice{"test", "Test pattern", ""}
	for _, d := range ds {
		name := d.Name
		if name == "" {
			name = d.ID
		}
		switch d.Kind {
		case video.KindCamera:
			out = append(out, cameraChoice{d.ID, name, ""})
		case video.KindTest:
			test = cameraChoice{d.ID, "Test pattern", ""}
		}
	}
	out = append(out, test)
	if current != "" && !slices.ContainsFunc(out, func(c cameraChoice) bool { return c.key == current }) {
		note := "not found"
		if !loaded {
			note = ""
		}
		out = append(out, cameraChoice{current, current, note})
	}
	return out
}

// loadVideoDevices lists the cameras on the command queue, once.
func (p *Page) loadVideoDevices(e *env.Env) {
	p.mu.Lock()
	start := !p.vidLoading && !p.vidLoaded
	p.vidLoading = p.vidLoading || start
	p.mu.Unlock()
	if !start {
		return
	}
	e.Run("List cameras", func(ctx context.Context) error {
		ds, err := e.Phone.VideoDevices(ctx)
		p.mu.Lock()
		defer p.mu.Unlock()
		p.vidLoading, p.vidLoaded = false, true
		if err != nil {
			p.vidErr = err.Error()
			return err
		}
		p.vidDevices, p.vidErr = ds, ""
		return nil
	})
}

// videoForm is the video settings the form holds, on top of base's.
func (p *Page) videoForm(base config.Video) config.Video {
	v := base
	v.Codecs = slices.Clone(base.Codecs)
	v.Camera = p.camera.Value
	v.Size = p.vidSize.Value
	if v.Size == videoSizeName(base.Size) {
		v.Size = base.Size // "" stays ""
	}
	return v
}

// videoDirty reports whether the form's video settings differ from base.
func (p *Page) videoDirty(base config.Video) bool {
	v := p.videoForm(base)
	return v.Camera != base.Camera || videoSizeName(v.Size) != videoSizeName(base.Size)
}

// sameVideo compares the video settings this screen follows.
func sameVideo(a, b config.Video) bool {
	return a.Camera == b.Camera && a.Size == b.Size && a.FPS == b.FPS && a.Bitrate == b.Bitrate && slices.Equal(a.Codecs, b.Codecs)
}

// layoutVideo is the camera and the size of the pictures calls send.
func (p *Page) layoutVideo(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	p.mu.Lock()
	ds, devErr, loaded := p.vidDevices, p.vidErr, p.vidLoaded
	p.mu.Unlock()
	cams := cameraChoices(ds, p.camera.Value, loaded)
	rows := []layout.FlexChild{
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			switch {
			case devErr != "":
				return layout.Inset{Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.ErrorLine(gtx, th, "Could not list the cameras: "+devErr)
				})
			case !loaded:
				return widgets.Label(gtx, th, 14, th.Muted, "Looking for cameras…")
			}
			return layout.Dimensions{}
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return subheading(gtx, th, icCamera, "Camera") }),
		widgets.VSpace(4),
	}
	for _, c := range cams {
		rows = append(rows, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return radio(gtx, th, &p.camera, c.key, c.label, c.note, "Camera "+c.label)
		}))
	}
	rows = append(rows, widgets.VSpace(16),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return subheading(gtx, th, icSize, "Picture size") }),
		widgets.VSpace(4))
	for _, s := range videoSizes {
		rows = append(rows, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return radio(gtx, th, &p.vidSize, s.key, s.label, "", "Picture size "+s.label)
		}))
	}
	return section(gtx, th, "Video", "What video calls send", nil, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx, rows...)
	})
}

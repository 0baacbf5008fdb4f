package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"runtime"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
)

// videoFlags are the video flags of call and answer.
type videoFlags struct {
	on        bool
	camera    string
	screen    bool
	saveFrame string
}

func (f *videoFlags) register(fs *flag.FlagSet, screen bool) {
	fs.BoolVar(&f.on, "video", false, "a video call: send and receive video")
	fs.StringVar(&f.camera, "camera", "", "with --video: the camera to send, `test` (a test pattern) or a device ID or name (see 'softphone devices'); default: [video] camera")
	if screen {
		fs.BoolVar(&f.screen, "screen", false, "with --video: share the screen instead of the camera")
	}
	fs.StringVar(&f.saveFrame, "save-frame", "", "write the last picture received to this PNG `FILE` when the call ends")
}

func (f *videoFlags) check() error {
	if !f.on && (f.camera != "" || f.screen) {
		return errors.New("--camera and --screen need --video")
	}
	if f.camera != "" && f.screen {
		return errors.New("--camera and --screen cannot go together")
	}
	// Without --video no call of ours carries pictures: refused before a
	// call is made or answered, not after it ends.
	if !f.on && f.saveFrame != "" {
		return errors.New("--save-frame needs --video")
	}
	return nil
}

// request is the video the flags ask for; the camera may be named by
// ID or name.
func (f *videoFlags) request(ctx context.Context, phone core.Phone) (call.VideoRequest, error) {
	if !f.on {
		return call.VideoRequest{}, nil
	}
	r := call.VideoRequest{Video: true, Send: true}
	if !f.screen && f.camera == "" {
		return r, nil
	}
	devs, err := phone.VideoDevices(ctx)
	if err != nil {
		return r, err
	}
	// A source that cannot be opened would leave the call silently
	// without our pictures: refused before dialling or answering.
	if f.screen {
		const screen = "screen:0"
		for _, d := range devs {
			if d.ID == screen {
				r.Source = screen
				return r, nil
			}
		}
		hint := "sharing the screen needs an X display: is DISPLAY set?"
		if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
			hint = "screen capture is not available on this system"
		}
		return r, fmt.Errorf("%w: %q (%s)", video.ErrNoDevice, screen, hint)
	}
	for _, d := range devs {
		if d.ID == f.camera || d.Name == f.camera {
			r.Source = d.ID
			return r, nil
		}
	}
	return r, fmt.Errorf("%w: %q", video.ErrNoDevice, f.camera)
}

// frameSaver keeps the far end's pictures of one call from when the call
// has video, and writes the last one when asked.
type frameSaver struct {
	path string
	feed *video.Feed
}

// watch takes the call's feed once the phone has one.
func (s *frameSaver) watch(phone core.Phone, id string) {
	if s != nil && s.path != "" && s.feed == nil {
		s.feed, _ = phone.VideoFeeds(id)
	}
}

// save writes the last picture; an error when there is none.
func (s *frameSaver) save() error {
	if s == nil || s.path == "" {
		return nil
	}
	if s.feed == nil {
		return errors.New("save frame: the call had no video")
	}
	pic := s.feed.Snapshot()
	if pic == nil {
		return errors.New("save frame: no picture was received")
	}
	f, err := os.Create(s.path)
	if err != nil {
		return fmt.Errorf("save frame: %w", err)
	}
	if err := png.Encode(f, studioRGB(pic)); err != nil {
		f.Close()
		return fmt.Errorf("save frame: %w", err)
	}
	return f.Close()
}

// studioRGB converts a decoded picture to RGB. Video pictures are BT.601
// limited range (Y 16–235, as our capture makes them), while the colour
// model of image.YCbCr is JPEG's full range: encoded as is, every picture
// would come out greyed (black 16, white 235).
func studioRGB(src *image.YCbCr) *image.RGBA {
	b := src.Rect
	dst := image.NewRGBA(image.Rectangle{Max: b.Size()})
	clamp := func(v int) uint8 { return uint8(min(max(v, 0), 255)) }
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := dst.Pix[(y-b.Min.Y)*dst.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			c := 298 * (int(src.Y[src.YOffset(x, y)]) - 16)
			i := src.COffset(x, y)
			d, e := int(src.Cb[i])-128, int(src.Cr[i])-128
			p := row[4*(x-b.Min.X) : 4*(x-b.Min.X)+4 : 4*(x-b.Min.X)+4]
			p[0] = clamp((c + 409*e + 128) >> 8)
			p[1] = clamp((c - 100*d - 208*e + 128) >> 8)
			p[2] = clamp((c + 516*d + 128) >> 8)
			p[3] = 255
		}
	}
	return dst
}

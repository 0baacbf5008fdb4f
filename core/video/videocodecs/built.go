//go:build !windows

package videocodecs

import (
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/core/video/h264"
	"github.com/softphone/softphone/core/video/vp8"
)

// built is the codecs this build has: libvpx and openh264 through cgo.
func built() []video.Codec { return []video.Codec{vp8.Codec(), h264.Codec()} }

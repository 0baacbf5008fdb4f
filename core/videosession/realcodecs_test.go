package videosession

import (
	"github.com/softphone/softphone/core/video/h264"
	"github.com/softphone/softphone/core/video/vp8"
)

// The loopback tests run with the real codecs too, not only the fakes.
func init() { extraCodecs = append(extraCodecs, vp8.Codec(), h264.Codec()) }

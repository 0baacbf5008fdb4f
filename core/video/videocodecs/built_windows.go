//go:build windows

package videocodecs

import "github.com/softphone/softphone/core/video"

// built is empty on Windows: libvpx and openh264 are not cross-built for
// mingw yet, so calls there refuse offered video and offer none.
func built() []video.Codec { return nil }

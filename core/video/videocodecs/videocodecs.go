// Package videocodecs lists the video codecs the phone has, by the names
// the settings use.
package videocodecs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/softphone/softphone/core/video"
)

// known are the codec names settings accept, in the default preference
// order: VP8 first (every video softphone has it; it is royalty-free),
// then H.264.
var known = []string{"vp8", "h264"}

// Default is every codec this build has, in the default order.
func Default() []video.Codec { return built() }

// ByNames is the codecs named (case-insensitive), in that order; empty
// names give Default. A known codec this build lacks is left out.
func ByNames(names []string) ([]video.Codec, error) {
	if len(names) == 0 {
		return Default(), nil
	}
	all := Default()
	out := make([]video.Codec, 0, len(names))
	for _, n := range names {
		found := false
		for _, c := range all {
			if strings.EqualFold(c.Name, n) {
				out = append(out, c)
				found = true
				break
			}
		}
		if !found && !slices.ContainsFunc(known, func(k string) bool { return strings.EqualFold(k, n) }) {
			return nil, fmt.Errorf("video: unknown codec %q (known: %s)", n, strings.Join(known, ", "))
		}
	}
	return out, nil
}

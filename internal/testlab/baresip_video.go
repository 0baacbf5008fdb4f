package testlab

import (
	"fmt"
	"regexp"
	"strconv"
)

// BaresipVideo is what baresip's video_debug says of the current call's
// video: frames its source made (and it sent), frames its display got
// (it decoded), key frames it decoded and picture updates it asked for.
type BaresipVideo struct {
	SourceFrames, DisplayFrames uint64
	Keyframes, PictureUpdates   uint64
	Text                        string // the whole output
}

var (
	reSource  = regexp.MustCompile(`source: .*frames=(\d+)`)
	reDisplay = regexp.MustCompile(`vidisp: .*frames=(\d+)`)
	reKeys    = regexp.MustCompile(`n_keyframes=(\d+), n_picup=(\d+)`)
)

// VideoStats asks baresip for its video figures of the current call.
func (b *Baresip) VideoStats() (BaresipVideo, error) {
	r, err := b.Command("video_debug", "")
	if err != nil {
		return BaresipVideo{}, err
	}
	return parseBaresipVideo(r.Data)
}

func parseBaresipVideo(s string) (BaresipVideo, error) {
	v := BaresipVideo{Text: s}
	num := func(re *regexp.Regexp, i int) (uint64, bool) {
		m := re.FindStringSubmatch(s)
		if m == nil {
			return 0, false
		}
		n, err := strconv.ParseUint(m[i], 10, 64)
		return n, err == nil
	}
	var ok1, ok2, ok3, ok4 bool
	v.SourceFrames, ok1 = num(reSource, 1)
	v.DisplayFrames, ok2 = num(reDisplay, 1)
	v.Keyframes, ok3 = num(reKeys, 1)
	v.PictureUpdates, ok4 = num(reKeys, 2)
	if !ok1 && !ok2 && !ok3 && !ok4 {
		return v, fmt.Errorf("baresip video_debug: no figures in %q", s)
	}
	return v, nil
}

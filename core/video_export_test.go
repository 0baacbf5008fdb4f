package core

import "github.com/softphone/softphone/core/video"

// CallVideoStats are a call's main video figures, for tests.
func CallVideoStats(p *Engine, id string) (video.Stats, bool) {
	c, err := p.getCall(id)
	if err != nil {
		return video.Stats{}, false
	}
	return c.media.VideoStats()
}

// RequestKeyFrame asks the far end of a call for a key frame, for tests.
func RequestKeyFrame(p *Engine, id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	return c.media.RequestKeyFrame()
}

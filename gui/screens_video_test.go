package gui

import (
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// The video calls' screens, added to TestScreens' list: the far end's
// picture and ours are frames of the test pattern, drawn the same on
// every run.
func init() {
	screens = append(screens,
		screen{"video-call", videoCallScreen},
		screen{"video-full", videoFullScreen},
		screen{"incoming-video", incomingVideoScreen},
	)
}

// videoCall is the connected call with video both ways, its pictures in
// the phone's feeds.
func videoCall(h *harness) {
	c := connectedCall()
	c.Video = &call.Video{Codec: "VP8", Sending: true, Receiving: true, Source: "test"}
	h.phone.SetFeeds(c.ID, guitest.PatternFeed(h.t, 640, 480, 12, fixedNow), guitest.PatternFeed(h.t, 352, 288, 40, fixedNow))
	h.phone.SetCalls(c)
	h.phone.Quality[c.ID] = cannedStats("opus")
}

func videoCallScreen(h *harness) { videoCall(h) }

func videoFullScreen(h *harness) {
	videoCall(h)
	h.settle()
	h.click(h.find("Show the video full screen"))
}

func incomingVideoScreen(h *harness) {
	c := incomingCall()
	c.Video = &call.Video{Offered: true, Codec: "VP8"}
	h.phone.SetCalls(c)
}

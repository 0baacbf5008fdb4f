package incoming_test

import (
	"testing"

	"github.com/softphone/softphone/core/call"
)

func TestAnswerWithVideo(t *testing.T) {
	c := carol()
	c.Video = &call.Video{Offered: true, Codec: "VP8"}
	s := newScreen(t, c)
	s.ClickPart("Answer the call from Carol Nguyen with video")
	// The request first: the answer takes it.
	s.Want("SetVideo c true true ", "Answer c")
}

func TestAnswerOfferedVideoWithoutIt(t *testing.T) {
	c := carol()
	c.Video = &call.Video{Offered: true}
	s := newScreen(t, c)
	s.Click("Answer the call from Carol Nguyen without video")
	s.Want("Answer c")
}

func TestNoVideoAnswerWithoutAnOffer(t *testing.T) {
	s := newScreen(t, carol())
	if _, ok := s.FindPart("with video"); ok {
		t.Error("answering with video is offered for an audio call")
	}
}

package core

import (
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/policy"
)

// Auto-answer: an intercom line (Features.AutoAnswer) answers every call
// at once; with AnswerAfterHints the caller may ask for it (Call-Info
// answer-after, Alert-Info alert-autoanswer, Answer-Mode: Auto). Either
// way only while no other call is up: then the call rings as a waiting
// call and the user decides.

// autoAnswerDelay is how long c rings before we answer it ourselves
// (policy.AutoAnswer); ok is false when the user answers. It marks the
// call AutoAnswer.
func (p *Engine) autoAnswerDelay(c *activeCall, f config.Features) (delay time.Duration, ok bool) {
	delay, why, ok := policy.AutoAnswer(f, c.incoming.AnswerAfter, p.inCall())
	if !ok {
		if why != "" {
			p.o.log.Info("auto-answer: another call is up, ringing instead", "call", c.id, "why", why)
		}
		return 0, false
	}
	c.m.Init(func(i *call.Info) { i.AutoAnswer = true }) // before the call's first event
	p.o.log.Info("auto-answer", "call", c.id, "after", delay, "why", why)
	return delay, true
}

// autoAnswer answers c after delay, unless the user (or the caller) acted
// first, or another call came up meanwhile: then it keeps ringing.
func (p *Engine) autoAnswer(c *activeCall, delay time.Duration) {
	if !c.stillRingingAfter(delay) {
		return
	}
	if p.inCall() {
		_ = c.m.Update(func(i *call.Info) { i.AutoAnswer = false })
		p.o.log.Info("auto-answer: another call came up, ringing instead", "call", c.id)
		return
	}
	if err := p.Answer(p.life, c.id); err != nil {
		p.o.log.Warn("auto-answer failed", "call", c.id, "error", err)
	}
}

// stillRingingAfter waits d and says whether c still rings for us (not
// answered, rejected or cancelled meanwhile).
func (c *activeCall) stillRingingAfter(d time.Duration) bool {
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-c.ended:
			return false
		case <-t.C:
		}
	}
	return c.m.Is(call.Incoming)
}

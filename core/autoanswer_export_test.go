package core

import "github.com/softphone/softphone/core/sip"

// DialWithHeaders places a call with extra INVITE headers (a Call-Info
// answer-after hint...), for the tests of what the callee does with them.
func DialWithHeaders(p *Engine, to string, o DialOptions, hdrs ...sip.Header) (string, error) {
	c, err := p.dial(to, o, hdrs, nil)
	if err != nil {
		return "", err
	}
	return c.id, nil
}

package sip

import "errors"

// ErrAuth means a digest challenge could not be answered, or the answer
// was refused: the credentials need the user's attention.
var ErrAuth = errors.New("sip: authentication failed")

// ErrNoResponse means the far end did not answer (timeout, refused
// connection, TLS failure): worth retrying later.
var ErrNoResponse = errors.New("sip: no response")

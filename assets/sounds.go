package assets

import _ "embed"

// Ringtone is the built-in ringtone: a two-tone ring (440+480 Hz, 2 s on,
// 4 s off), 16 kHz mono 16-bit WAV, peak -12 dBFS, meant to loop.
//
//go:embed sounds/ringtone.wav
var Ringtone []byte

// Package audio opens the machine's sound devices for the phone: it
// implements core/audio's Driver with miniaudio (github.com/gen2brain/malgo)
// where cgo is available on Linux, Windows and macOS (and Android/iOS when
// built with cgo), and a stub that explains why there are no devices
// elsewhere (CGO_ENABLED=0 builds).
//
// A miniaudio device calls back on its own thread with whole periods;
// core/audio.Ring bridges that to the blocking ReadFrame/WriteFrame the
// media path uses.
package audio

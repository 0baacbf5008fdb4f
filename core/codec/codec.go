// Package codec holds the voice codecs (Opus, G.722, PCMU, PCMA) behind one
// narrow interface, so the media path never knows which one it runs.
package codec

import (
	"strings"
	"time"
)

// Info describes a codec as SDP and RTP name it.
type Info struct {
	Name        string // SDP encoding name: "opus", "G722", "PCMU", "PCMA"
	ClockRate   int    // RTP clock rate (G.722 keeps 8000, RFC 3551 4.5.2)
	SampleRate  int    // PCM rate the encoder takes and the decoder gives
	Channels    int    // channels as written in SDP (opus/48000/2), PCM is mono
	PayloadType uint8  // static payload type, or the dynamic one we offer
	Fmtp        string // a=fmtp we offer, "" for none
}

// FrameSamples is the number of PCM samples in one frame of ptime.
func (i Info) FrameSamples(ptime time.Duration) int {
	return int(time.Duration(i.SampleRate) * ptime / time.Second)
}

// TimestampStep is how far the RTP timestamp advances per frame of ptime.
func (i Info) TimestampStep(ptime time.Duration) uint32 {
	return uint32(time.Duration(i.ClockRate) * ptime / time.Second)
}

// Options are per-call encoder settings; zero values mean the codec's default.
type Options struct {
	Bitrate        int  // bits/s (Opus)
	FEC            bool // Opus in-band forward error correction
	PacketLossPerc int  // expected loss in %, tunes Opus FEC
	Complexity     int  // 0..10 (Opus)
	DTX            bool // discontinuous transmission (Opus)
}

// Encoder compresses mono PCM frames. Not safe for concurrent use.
type Encoder interface {
	// Encode compresses one frame of pcm (Info.SampleRate, mono) into out
	// and returns the payload length.
	Encode(pcm []int16, out []byte) (int, error)
}

// Decoder expands payloads into mono PCM. Not safe for concurrent use.
type Decoder interface {
	// Decode expands one payload into pcm and returns the samples written.
	Decode(payload []byte, pcm []int16) (int, error)
	// Conceal makes up len(pcm) samples for a lost packet. next is the
	// payload after the lost one when it has already arrived (Opus recovers
	// the lost frame from its in-band FEC), or nil.
	Conceal(next []byte, pcm []int16) (int, error)
}

// Codec makes encoders and decoders of one kind.
type Codec interface {
	Info() Info
	NewEncoder(Options) (Encoder, error)
	NewDecoder() (Decoder, error)
}

// Lookup finds a codec among cs by SDP name, ignoring case.
func Lookup(cs []Codec, name string) (Codec, bool) {
	for _, c := range cs {
		if strings.EqualFold(c.Info().Name, name) {
			return c, true
		}
	}
	return nil, false
}

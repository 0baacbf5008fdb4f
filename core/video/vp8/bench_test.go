package vp8

import (
	"testing"

	"github.com/softphone/softphone/core/video/internal/codectest"

	"github.com/softphone/softphone/core/video"
)

func BenchmarkEncode640x480(b *testing.B) {
	src := codectest.Frames(b, 640, 480, 60)
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	defer enc.Close()
	for _, img := range src { // past the first key frame and buffer growth
		if _, _, err := enc.Encode(img, false); err != nil {
			b.Fatal(err)
		}
	}
	bytes := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		data, _, err := enc.Encode(src[i%len(src)], false)
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(data)
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/frame")
}

func BenchmarkDecode640x480(b *testing.B) {
	enc, err := NewEncoder(video.EncoderConfig{Width: 640, Height: 480, FPS: 30, Bitrate: 1_000_000})
	if err != nil {
		b.Fatal(err)
	}
	stream, _ := codectest.EncodeAll(b, enc, codectest.Frames(b, 640, 480, 60))
	enc.Close()
	dec, err := NewDecoder()
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	for _, fr := range stream {
		if _, err := dec.Decode(fr); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Frame 0 is a key frame: the loop stays decodable.
		if _, err := dec.Decode(stream[i%len(stream)]); err != nil {
			b.Fatal(err)
		}
	}
}

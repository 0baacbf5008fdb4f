package vp8

import (
	"testing"

	"github.com/softphone/softphone/core/video/internal/codectest"
)

func BenchmarkEncode640x480(b *testing.B) { codectest.BenchEncode640x480(b, Codec()) }

func BenchmarkDecode640x480(b *testing.B) { codectest.BenchDecode640x480(b, Codec()) }

//go:build !linux

package testlab

import "os"

func openLoopbackCapture() (*os.File, error) { return nil, errCaptureUnsupported }

func readLoopback(*os.File, func([]byte)) error { return errCaptureUnsupported }

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	platformaudio "github.com/softphone/softphone/platform/audio"
)

// cmdDevices lists the audio devices the program can open.
func cmdDevices(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("devices", flag.ContinueOnError)
	fset.SetOutput(stderr)
	if err := fset.Parse(args); err != nil {
		return exitUsage
	}
	d, err := platformaudio.NewDriver()
	if err != nil {
		fmt.Fprintf(stderr, "softphone: audio: %v\n", err)
		return exitRuntime
	}
	defer d.Close()
	devs, err := d.Devices()
	if err != nil {
		fmt.Fprintf(stderr, "softphone: audio: %v\n", err)
		return exitRuntime
	}
	for _, dev := range devs {
		kind := ""
		if dev.Capture {
			kind += "in"
		}
		if dev.Playback {
			kind += "out"
		}
		def := ""
		if dev.IsDefault {
			def = " (default)"
		}
		fmt.Fprintf(stdout, "%-6s %s%s  [%s]\n", kind, dev.Name, def, dev.ID)
	}
	return exitOK
}

// deviceAudio opens the named (or default) microphone and speaker for each
// call. When the machine has no usable device the call still goes on,
// silent, and a warning says why.
func deviceAudio(in, out string, log *slog.Logger) core.AudioFactory {
	return func(_ call.Info, f audio.Format) (audio.Device, error) {
		d, err := platformaudio.NewDriver()
		if err == nil {
			var dev audio.Device
			if dev, err = d.Open(in, out, f); err == nil {
				return &ownedDevice{Device: dev, driver: d}, nil
			}
			d.Close()
		}
		if in != "" || out != "" {
			return nil, err // the user asked for a device: say it is not there
		}
		log.Warn("no audio device, the call is silent", "error", err)
		return audio.NewNullDevice(f)
	}
}

// ownedDevice closes its driver with the device.
type ownedDevice struct {
	audio.Device
	driver *platformaudio.Driver
}

func (d *ownedDevice) Close() error {
	err := d.Device.Close()
	d.driver.Close()
	return err
}

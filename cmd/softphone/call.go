package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
)

// callFlags are the flags call and answer share.
type callFlags struct {
	data                                   *string
	cfgPath, account, play, record, codecs string
	input, output                          string
	hangupAfter                            time.Duration
	asJSON, verbose                        bool
	video                                  videoFlags
}

func (f *callFlags) register(fs *flag.FlagSet) {
	f.registerCommon(fs, "account to use")
	f.registerAudio(fs)
	fs.DurationVar(&f.hangupAfter, "hangup-after", 0, "hang up this long after the call connects")
}

// registerAudio adds the flags that choose the calls' audio.
func (f *callFlags) registerAudio(fs *flag.FlagSet) {
	fs.StringVar(&f.play, "play", "", "WAV file to send instead of the microphone (loops)")
	fs.StringVar(&f.record, "record", "", "WAV file to record what is received")
	fs.StringVar(&f.input, "input", "", "microphone to use (see 'softphone devices'; default: the system's)")
	fs.StringVar(&f.output, "output", "", "speaker to use (default: the system's)")
	fs.StringVar(&f.codecs, "codecs", "", "codecs in preference order, e.g. opus,g722,pcmu,pcma")
}

// registerCommon adds the flags every phone-running command has: data
// directory, configuration, account (accountHelp says what it is for),
// --json and -v.
func (f *callFlags) registerCommon(fs *flag.FlagSet, accountHelp string) {
	f.data = dataFlag(fs)
	fs.StringVar(&f.cfgPath, "config", "", "configuration file (default: the user config dir's softphone/config.toml)")
	fs.StringVar(&f.account, "account", "", accountHelp)
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object per event per line")
	fs.BoolVar(&f.verbose, "v", false, "verbose logging on stderr")
}

// setup is the phone of call, answer, console... as the flags ask for
// it: it keeps history and messages in the --data database.
func (f *callFlags) setup(stderr io.Writer, register bool) (phoneSetup, error) {
	// No configuration yet: direct calls still work.
	cfg, err := loadOrNewConfig(f.cfgPath)
	if err != nil {
		return phoneSetup{}, err
	}
	log := newLogger(stderr, f.verbose)
	s := phoneSetup{cfg: cfg, log: log, stderr: stderr, records: true, data: *f.data, secrets: true, register: register,
		audio: deviceAudio(f.input, f.output, log)}
	if f.play != "" || f.record != "" {
		s.audio = fileAudio(f.play, f.record)
	}
	if f.account != "" {
		s.accounts = []string{f.account}
	}
	if f.codecs != "" {
		if s.codecs, err = codecs.ByNames(strings.Split(f.codecs, ",")); err != nil {
			return phoneSetup{}, err
		}
	}
	return s, nil
}

// start builds and starts the phone of the flags. On failure it returns
// nil and the exit code.
func (f *callFlags) start(ctx context.Context, stderr io.Writer, register bool) (*session, int) {
	s, err := f.setup(stderr, register)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return nil, exitUsage
	}
	return startSession(ctx, s)
}

// fileAudio opens, per call, a device that plays play (looped) and records
// into record. With several calls, the recordings get -2, -3... suffixes.
func fileAudio(play, record string) core.AudioFactory {
	n := 0
	return func(c call.Info, f audio.Format) (audio.Device, error) {
		if play != "" {
			r, err := audio.OpenWAV(play)
			if err != nil {
				return nil, err
			}
			f.SampleRate = r.SampleRate() // the media path resamples
			r.Close()
		}
		out := record
		if n++; out != "" && n > 1 {
			ext := ".wav"
			out = strings.TrimSuffix(out, ext) + fmt.Sprintf("-%d", n) + ext
		}
		return audio.OpenFileDevice(f, play, out, audio.FileSourceOptions{Loop: true})
	}
}

func cmdCall(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("call", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var f callFlags
	f.register(fset)
	f.video.register(fset, true)
	dtmf := fset.String("dtmf", "", "DTMF digits to send once connected")
	transferTo := fset.String("transfer-to", "", "blind-transfer the call to `TARGET` once connected (exit 0 when the transfer succeeds)")
	transferAfter := fset.Duration("transfer-after", 0, "with --transfer-to: wait this long after the call connects")
	recordCall := fset.Bool("record-call", false, "record the call once connected (into [audio] record_dir) and print the file")
	if err := parseArgs(fset, args); err != nil {
		return exitUsage
	}
	if *transferAfter < 0 || *transferAfter > 0 && *transferTo == "" {
		fmt.Fprintln(stderr, "softphone call: --transfer-after needs --transfer-to and a positive duration")
		return exitUsage
	}
	if *transferTo != "" {
		if err := checkTargetArg("--transfer-to", *transferTo); err != nil {
			fmt.Fprintf(stderr, "softphone call: %v\n", err)
			return exitUsage
		}
	}
	if fset.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: softphone call URI [flags]")
		return exitUsage
	}
	if err := f.video.check(); err != nil {
		fmt.Fprintf(stderr, "softphone call: %v\n", err)
		return exitUsage
	}
	ss, code := f.start(ctx, stderr, false)
	if ss == nil {
		return code
	}
	defer ss.stop()
	phone, events := ss.phone, ss.events
	to, err := speedDial(ctx, phone, fset.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	vr, err := f.video.request(ctx, phone)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	id, err := phone.Dial(ctx, to, core.DialOptions{Account: f.account, Video: vr})
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		return exitUsage
	}
	return followCall(ctx, phone, events, id, callActions{
		dtmf: *dtmf, hangupAfter: f.hangupAfter, transferTo: *transferTo, transferAfter: *transferAfter, record: *recordCall,
		frames: &frameSaver{path: f.video.saveFrame},
	}, eventPrinter(stdout, f.asJSON), !f.asJSON, stdout, stderr)
}

// callExit is 0 for a call that connected and ended by a hang-up.
func callExit(info call.Info, connected bool, stderr io.Writer) int {
	if connected && (info.Reason == "hung up" || info.Reason == "remote hung up") {
		return exitOK
	}
	fmt.Fprintf(stderr, "softphone: call %s: %s\n", info.ID, info.Reason)
	return exitFailed
}

package testlab

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// BaresipOptions configure a baresip 1.0 far-end peer. The zero value is a
// direct-only peer that auto-answers with every codec and plays 1 kHz.
type BaresipOptions struct {
	User, Password string    // account; registered at Kamailio when both User and Kamailio are set (Password defaults to Kamailio's for User)
	Kamailio       *Kamailio // registrar and outbound proxy; nil = direct calls only
	Transport      string    // "udp" (default) or "tcp"
	Codecs         []string  // the only codecs offered/accepted: "opus" (any of opus, opus/48000/1, opus/48000/2), "G722/16000/1", "pcmu", "pcma"; nil = all
	AnswerMode     string    // "auto" (default) or "manual"
	PlayWAV        string    // 16-bit PCM WAV for the microphone; baresip hangs up when it ends. "" = 60 s of ToneHz
	ToneHz         float64   // default 1000
	Record         bool      // record received (dump-*-dec.wav) and sent (dump-*-enc.wav) audio into Dir
	Contacts       []string  // contacts file entries, e.g. `"Carol" <sip:carol@127.0.0.1>`: `message` writes to the current one (contact_next selects)

	// Media encryption and NAT traversal (account parameters; "" = none):
	MediaEnc   string // "srtp" (SDES when the peer offers it, else clear), "srtp-mand" (SDES only: RTP/SAVP) or "dtls_srtp"
	MediaNAT   string // "ice", or "turn" (all media relayed through STUNServer)
	STUNServer string // "stun:127.0.0.1:3478" or "turn:127.0.0.1:3478"; credentials go in STUNUser/STUNPass, not in the URI
	STUNUser   string
	STUNPass   string
	RTCPMux    bool // offer and accept RTP and RTCP on one port (config rtcp_mux)

	// Video: VP8 with the fakevideo source (a still picture of colour bars) and
	// display (decodes, shows nothing). Without it baresip is audio-only
	// and refuses offered video with port 0.
	Video     bool
	VideoSize string // "WIDTHxHEIGHT"; "" = 352x288
	VideoFPS  int    // 0 = 15
	VideoKbps int    // 0 = 500
}

// ToneAmplitude is the amplitude of the generated microphone tone relative to
// full scale (-6 dBFS).
const ToneAmplitude = 0.5

// Baresip is a running baresip controlled over ctrl_tcp.
type Baresip struct {
	Dir      string // its config dir (-f); recordings land here
	SIPAddr  string // "127.0.0.1:port" it listens on (UDP and TCP; TLS would be port+1)
	CtrlAddr string // ctrl_tcp address
	AOR      string // sip:user@<kamailio domain> when registered, else the URI to dial it directly: sip:user@SIPAddr[;transport=tcp]
	User     string
	RTPPorts [2]int // rtp_ports range (RTP binds 0.0.0.0)
	LogFile  string // baresip's stdout and stderr, SIP trace included (-s)

	t    testing.TB
	opts BaresipOptions
	proc *process
	ctrl *ctrlClient

	stopOnce sync.Once
	stopErr  error
}

const (
	baresipStartTimeout = 10 * time.Second
	baresipCmdTimeout   = 5 * time.Second
	baresipQuitTimeout  = 3 * time.Second // quit unregisters first
	baresipStartTries   = 3               // ports are picked before baresip binds them: another process may win
)

// StartBaresip starts baresip in the background with a fresh config dir and
// free ports, waits until ctrl_tcp answers and, when registered, until
// Kamailio lists its contact. t.Cleanup stops it ("quit", then SIGKILL).
func StartBaresip(t testing.TB, opts BaresipOptions) *Baresip {
	t.Helper()
	Require(t, "baresip", "baresip-core")
	b, err := newBaresip(t, opts)
	if err != nil {
		t.Fatalf("testlab: baresip: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Stop(); err != nil {
			t.Errorf("testlab: stop baresip %s: %v", b.User, err)
		}
		if t.Failed() {
			t.Logf("testlab: baresip %s log (%s):\n%s", b.User, b.LogFile, tail(b.Log(), 6000))
		}
	})
	var lastErr error
	for try := 1; try <= baresipStartTries; try++ {
		if lastErr = b.start(); lastErr == nil {
			break
		}
		t.Logf("testlab: baresip %s start #%d: %v", b.User, try, lastErr)
	}
	if lastErr != nil {
		t.Fatalf("testlab: baresip %s did not start: %v\n--- log ---\n%s", b.User, lastErr, tail(b.Log(), 4000))
	}
	if b.registered() {
		if err := b.waitRegistered(baresipStartTimeout); err != nil {
			t.Fatalf("testlab: baresip %s: %v\n--- log ---\n%s", b.User, err, tail(b.Log(), 4000))
		}
	}
	return b
}

// newBaresip checks the options and prepares the config dir and microphone.
func newBaresip(t testing.TB, opts BaresipOptions) (*Baresip, error) {
	if opts.Transport == "" {
		opts.Transport = "udp"
	}
	if opts.Transport != "udp" && opts.Transport != "tcp" {
		return nil, fmt.Errorf("transport %q: want udp or tcp", opts.Transport)
	}
	if opts.AnswerMode == "" {
		opts.AnswerMode = "auto"
	}
	if opts.AnswerMode != "auto" && opts.AnswerMode != "manual" {
		return nil, fmt.Errorf("answer mode %q: want auto or manual", opts.AnswerMode)
	}
	if opts.User == "" {
		opts.User = "baresip"
		opts.Kamailio = nil // nothing to register
	} else if !userNameRE.MatchString(opts.User) {
		return nil, fmt.Errorf("user name %q: only letters, digits, '.', '_' and '-'", opts.User)
	}
	if opts.Kamailio != nil && opts.Password == "" {
		for _, u := range opts.Kamailio.Users {
			if u.Name == opts.User {
				opts.Password = u.Password
			}
		}
	}
	if opts.Kamailio != nil && opts.Password == "" {
		return nil, fmt.Errorf("user %q: no password given and none in Kamailio.Users", opts.User)
	}
	if err := checkMediaOptions(opts); err != nil {
		return nil, err
	}
	if opts.ToneHz == 0 {
		opts.ToneHz = 1000
	}
	b := &Baresip{t: t, opts: opts, User: opts.User, Dir: t.TempDir()}
	b.LogFile = filepath.Join(b.Dir, "baresip.log")
	return b, nil
}

func (b *Baresip) registered() bool { return b.opts.Kamailio != nil }

// microphone returns the WAV aufile plays and its format, which ausrc_srate
// and ausrc_channels must repeat (aufile refuses any other).
func (b *Baresip) microphone() (path string, rate, channels int, err error) {
	path = b.opts.PlayWAV
	if path == "" {
		path = filepath.Join(b.Dir, fmt.Sprintf("tone-%gHz.wav", b.opts.ToneHz))
		if !fileExists(path) {
			if err := WriteToneWAV(path, 48000, b.opts.ToneHz, 60*time.Second, ToneAmplitude); err != nil {
				return "", 0, 0, err
			}
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", 0, 0, err
	}
	info, err := parseWAV(data)
	if err != nil {
		return "", 0, 0, fmt.Errorf("%s: %w", path, err)
	}
	if strings.ContainsAny(path, " \t#") {
		return "", 0, 0, fmt.Errorf("%s: baresip's config cannot hold a path with blanks or '#'", path)
	}
	return path, info.rate, info.channels, nil
}

// Log returns baresip's output so far.
func (b *Baresip) Log() string {
	data, err := os.ReadFile(b.LogFile)
	if err != nil {
		return fmt.Sprintf("(no baresip log: %v)", err)
	}
	return string(data)
}

// Recordings returns the files of received audio (dump-*-dec.wav, oldest
// first). sndfile names them dump-YYYY-MM-DD-hh-mm-ss-dec.wav after the call's
// start (second resolution: a call starting in the same second as another
// overwrites its file), writes them unbuffered during the call and patches
// the header sizes when the call is freed, right after CALL_CLOSED. While
// baresip runs, a no-op command is sent first as a barrier: baresip handles
// ctrl_tcp and call teardown on one thread, so a call closed before it has
// its files complete.
func (b *Baresip) Recordings() ([]string, error) { return b.dumps("dec") }

// SentRecordings returns the files of sent audio (dump-*-enc.wav).
func (b *Baresip) SentRecordings() ([]string, error) { return b.dumps("enc") }

func (b *Baresip) dumps(kind string) ([]string, error) {
	if b.proc != nil && b.proc.running() {
		if _, err := b.Command("listcalls", ""); err != nil {
			return nil, err
		}
	}
	files, err := filepath.Glob(filepath.Join(b.Dir, "dump-*-"+kind+".wav"))
	slices.Sort(files)
	return files, err
}

// Events returns every ctrl_tcp event received so far, taken or not.
func (b *Baresip) Events() []Event {
	if b.ctrl == nil {
		return nil
	}
	return b.ctrl.allEvents()
}

// Command sends a command (a menu command: "dial", "listcalls", "reginfo",
// ...; call commands such as "hold" exist only during a call) and returns
// baresip's response. A response with ok=false is returned with an error.
func (b *Baresip) Command(cmd, params string) (Response, error) {
	if b.ctrl == nil {
		return Response{}, errNoCtrl
	}
	ctx, cancel := context.WithTimeout(context.Background(), baresipCmdTimeout)
	defer cancel()
	return b.ctrl.command(ctx, cmd, params)
}

// WaitEvent returns the oldest event of type typ (e.g. "CALL_ESTABLISHED")
// that no earlier WaitEvent returned, waiting for it if needed: events that
// came before the call are not lost.
func (b *Baresip) WaitEvent(ctx context.Context, typ string) (Event, error) {
	if b.ctrl == nil {
		return Event{}, errNoCtrl
	}
	return b.ctrl.waitEvent(ctx, typ)
}

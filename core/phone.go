// Package core is the telephony engine behind every face of the softphone
// (window, console and commands, local API): commands go in through the
// one Phone interface, and what happens comes out as one ordered stream
// of events and one immutable State, versioned together.
package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/conference"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/core/lines"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/secret"
	"github.com/softphone/softphone/core/secure"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/core/subs"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/core/waiting"
)

// ErrUnknownAccount is returned for an account name not in the configuration.
var ErrUnknownAccount = errors.New("unknown account")

// Engine is the phone behind the Phone interface: it owns the SIP user
// agent, the accounts in force and the calls, and hands the rest to its
// sub-packages (state, lines, subs, journal, policy, conference, waiting,
// transfer, forward, callmedia), each owning its state and its lock.
//
// Lock order, outermost first, where two meet: cfgMu → waiting.Tone →
// conference.Manager → mu → (lines.Set, subs.Manager, a call's
// call.Machine) → state.Bus, the innermost. A call's own c.mu and
// callmedia.Stream's lock are leaves: nothing is taken under them.
type Engine struct {
	recordsAPI // the record queries: the book, or journal.None without a store

	// Set in New and never changed.
	o       options
	bus     *state.Bus     // every event and the read model, in one order
	keeper  *secret.Keeper // where the passwords are kept
	acct    *lines.Set     // the accounts in force and their registrations
	subs    *subs.Manager  // busy lamps, voicemail, presence, messages
	meter   *audio.Meter   // nil without a driver
	life    context.Context
	endLife context.CancelFunc // Close ends life last: work the phone starts itself runs under it

	// cfgMu makes configuration changes one at a time (check, save, apply).
	cfgMu sync.Mutex

	// mu guards what follows.
	mu     sync.Mutex
	conf   *config.Config // the configuration in force; replaced whole
	ua     *sip.UA
	trust  *sip.TLSTrust
	calls  map[string]*activeCall
	closed bool

	ringing atomic.Int32 // incoming calls holding a ringing slot (reserveRing)

	byes sync.WaitGroup // BYEs still on their way

	// Call effects, each under its own lock.
	waiting waiting.Tone       // calls playing the call-waiting tone
	confs   conference.Manager // local conferences; what the user hears on each call
	recs    calldev.Folder     // the recordings folder when none is configured
	book    *journal.Book      // history, messages, caller ID, busy lamps from the store; nil without one
	dtls    secure.CertSource  // the phone's DTLS identity, made on first use
}

// line is one configured account with its running registration.
type line = lines.Line

// AudioFactory opens the audio device of one call. preferred carries the
// codec's rate and the packet time; the device may pick another rate (the
// media path resamples) but must keep the period.
type AudioFactory func(c call.Info, preferred audio.Format) (audio.Device, error)

type options struct {
	log            *slog.Logger
	only           []string
	accountOpts    []account.Option
	audio          AudioFactory
	codecs         []codec.Codec
	encoder        codec.Options
	ports          media.PortRange
	noMediaTimeout time.Duration
	noRegister     bool
	driver         audio.Driver
	customAudio    bool
	secrets        secret.Store     // see WithSecrets
	store          *store.Store     // see WithStore
	transferWait   transferTimeouts // zero: the defaults
	video          video.Driver     // see WithVideoDriver
	intercept      func(kind string, tr media.Transport) media.Transport
	sourceLimit    [2]int // see WithSourceLimit; zero: sip's defaults
}

// Option configures a Phone.
type Option func(*options)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithAccounts limits the phone to the named accounts, enabled or not.
func WithAccounts(names ...string) Option { return func(o *options) { o.only = names } }

// WithAccountOptions tunes every account's registration (timeouts, backoff).
func WithAccountOptions(opts ...account.Option) Option {
	return func(o *options) { o.accountOpts = append(o.accountOpts, opts...) }
}

// WithoutRegistration keeps the accounts unregistered: enough to place a
// call through the account's proxy (one-off CLI calls).
func WithoutRegistration() Option { return func(o *options) { o.noRegister = true } }

// WithAudio sets how each call opens its audio device (default: a silent
// null device, for headless use).
func WithAudio(f AudioFactory) Option {
	return func(o *options) { o.audio, o.customAudio = f, true }
}

// WithCodecs sets the codecs in preference order (default: opus, G722, PCMU, PCMA).
func WithCodecs(cs ...codec.Codec) Option { return func(o *options) { o.codecs = cs } }

// WithEncoder sets the encoder options (Opus bitrate, FEC...).
func WithEncoder(e codec.Options) Option { return func(o *options) { o.encoder = e } }

// WithMediaPorts sets the RTP port range.
func WithMediaPorts(r media.PortRange) Option { return func(o *options) { o.ports = r } }

// WithNoMediaTimeout ends calls that receive no RTP for d (default 30 s; 0 disables).
func WithNoMediaTimeout(d time.Duration) Option { return func(o *options) { o.noMediaTimeout = d } }

// WithSourceLimit sets how many SIP messages a second (rate, after a
// burst) one address may send that no registration of ours vouches for
// (default 50 after 100): load tests placing hundreds of calls from one
// address raise it.
func WithSourceLimit(rate, burst int) Option {
	return func(o *options) { o.sourceLimit = [2]int{rate, burst} }
}

// New prepares a phone for cfg; it opens nothing until Start.
func New(cfg *config.Config, opts ...Option) (*Engine, error) {
	o := options{
		log:            slog.Default(),
		audio:          nullAudio,
		codecs:         codecs.Default(),
		encoder:        codec.Options{FEC: true, PacketLossPerc: 10},
		ports:          media.DefaultPorts,
		noMediaTimeout: 30 * time.Second,
		video:          video.TestDriver{},
	}
	if len(cfg.Audio.Codecs) > 0 {
		cs, err := codecs.ByNames(cfg.Audio.Codecs)
		if err != nil {
			return nil, err
		}
		o.codecs = cs
	}
	for _, opt := range opts {
		opt(&o)
	}
	p := &Engine{conf: cfg, o: o, calls: map[string]*activeCall{}}
	p.life, p.endLife = context.WithCancel(context.Background())
	p.confs.Configure(p.confOptions())
	p.keeper = secret.NewKeeper(o.secrets, o.log)
	p.keeper.Load(p.conf) // before the lines below copy the accounts
	if o.driver != nil {
		p.meter = audio.NewMeter(p.openMeterInput, o.log)
	}
	if o.driver != nil && !o.customAudio {
		p.o.audio = p.driverAudio
	}
	accounts := cfg.Enabled()
	if o.only != nil {
		accounts = nil
		for _, name := range o.only {
			a, ok := cfg.Account(name)
			if !ok {
				return nil, fmt.Errorf("%w %q", ErrUnknownAccount, name)
			}
			accounts = append(accounts, a)
		}
	}
	p.acct = lines.New(accounts, lines.Options{
		Log: o.log, Account: o.accountOpts, NoRegister: o.noRegister, Emit: p.emitStatus, Registrar: p.registrar,
	})
	names := p.acct.Names()
	p.bus = state.NewBus(state.Seed(*cfg, names))
	p.subs = p.newSubs()
	p.initBook()
	return p, nil
}

// State is the phone's read model now: accounts, calls oldest first,
// voicemail, busy lamps, settings. Every event received from Events is
// already in it.
func (p *Engine) State() State { return p.bus.State() }

// Events subscribes to the phone's events from now on. The channel is
// closed after Close; call cancel to stop receiving earlier.
func (p *Engine) Events() (events <-chan Event, cancel func()) { return p.bus.Subscribe() }

// Start opens the SIP listener and starts registering the accounts. ctx
// bounds the start only: what the phone runs afterwards lives until Close.
func (p *Engine) Start(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("phone: start: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ua != nil || p.closed {
		return errors.New("phone: already started")
	}
	trust, err := sip.NewTLSTrust(p.acct.TLSPolicy())
	if err != nil {
		return err
	}
	sipOpts := []sip.Option{sip.WithLogger(p.o.log), sip.WithUserAgent(p.conf.SIP.UserAgent), sip.WithTLSConfig(trust.Config())}
	if l := p.o.sourceLimit; l[0] > 0 {
		sipOpts = append(sipOpts, sip.WithSourceLimit(l[0], l[1]))
	}
	ua, err := sip.Listen(p.conf.SIP.Listen, sipOpts...)
	if err != nil {
		return err
	}
	if err := p.acct.Prepare(ua); err != nil {
		ua.Close()
		return err
	}
	p.startBook() // subscribed before the first event
	p.ua, p.trust = ua, trust
	ua.HandleInvites(p.onIncoming)
	ua.SetAdmit(p.admit)
	p.o.log.Info("sip listening", "addr", ua.Addr().String())
	p.bus.Publish(ListeningEvent{Addr: ua.Addr().String()})
	p.keyNotices(p.conf.Accounts)
	p.subs.Start(ua) // before registering, so no Registered event is missed
	p.acct.Run(p.life)
	p.watchNetwork(ua) // netchange.go
	return nil
}

func (p *Engine) emitStatus(s account.Status) {
	if s.State == account.Failed {
		p.o.log.Warn("registration failed", "account", s.Account, "reason", s.Reason, "retry_in", s.RetryIn)
	} else {
		p.o.log.Info("registration", "account", s.Account, "state", s.State.String(), "expires", s.Expires)
	}
	p.bus.Publish(RegistrationEvent{Status: s})
}

// Register retries an account's registration now (after a wrong password
// was fixed, or to skip a backoff wait).
func (p *Engine) Register(name string) error {
	if !p.acct.Retry(name) {
		return fmt.Errorf("%w %q", ErrUnknownAccount, name)
	}
	return nil
}

// Close unregisters every account (bounded by ctx), closes the sockets and
// ends the event stream.
func (p *Engine) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	ua := p.ua
	p.mu.Unlock()
	if p.meter != nil {
		p.meter.Close()
	}
	if ua == nil {
		p.endLife()
		p.bus.Close()
		return nil
	}
	// Every call ends at once, not one after another: a reject does not
	// wait for its ACK, a BYE is waited for only as long as ctx allows.
	var hangups sync.WaitGroup
	for _, c := range p.callList() {
		hangups.Add(1)
		go func() {
			defer hangups.Done()
			_ = p.Hangup(c.id)
		}()
	}
	waitUntil(ctx, hangups.Wait)
	waitUntil(ctx, p.byes.Wait) // each BYE also gives up after a few seconds
	// Conference devices closed, recordings finished.
	waitUntil(ctx, p.confs.Wait)
	p.subs.Stop(ctx) // unsubscribe before unregistering; messages on their way fail
	errs := []error{p.acct.Stop(ctx), ua.Close()}
	p.endLife()
	p.stopBook() // the calls' last events written
	p.bus.Close()
	return errors.Join(errs...)
}

// waitUntil runs wait and returns when it does or ctx ends, whichever
// is first; false in the second case (wait goes on in the background).
func waitUntil(ctx context.Context, wait func()) bool {
	done := make(chan struct{})
	go func() {
		wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// sipUA is the running user agent, or an error before Start / after Close.
func (p *Engine) sipUA() (*sip.UA, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ua == nil || p.closed {
		return nil, errors.New("phone: not started")
	}
	return p.ua, nil
}

func nullAudio(_ call.Info, f audio.Format) (audio.Device, error) { return audio.NewNullDevice(f) }

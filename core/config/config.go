// Package config loads, validates and saves the softphone's TOML
// configuration file: global SIP settings, audio and UI settings and the
// list of accounts.
//
// Every problem in a file (syntax, unknown keys, wrong types, invalid
// values) is reported at once as an Errors value whose entries carry the
// file name and the line of the offending key, so a user can fix the whole
// file in one pass. Config.Save writes changes back, keeping the user's
// comments and layout wherever the content did not change.
package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// Defaults applied when a key is absent (or, for strings, empty).
const (
	DefaultUserAgent = "softphone"
	DefaultTransport = "udp"
	DefaultExpires   = 600
	DefaultTheme     = "light"
	MaxExpires       = 604800 // one week, a sane upper bound for REGISTER
)

// PasswordInKeyring is the password_store value of an account whose
// password is in the OS keyring rather than in the file.
const PasswordInKeyring = "keyring"

// Config is a loaded, validated configuration file.
type Config struct {
	Path  string // file it was loaded from
	SIP   SIP
	Audio Audio
	Video Video
	UI    UI
	// CTI is the screen-pop, hooks and webhook of direct calls and the
	// default of every account's (CTIFor).
	CTI      CTI
	API      API
	Accounts []Account
}

// Audio holds the devices and codecs calls use.
type Audio struct {
	Input    string   // capture device name or ID; "" = system default
	Output   string   // playback device; "" = system default
	Codecs   []string // preference order, e.g. ["opus","g722","pcmu","pcma"]; empty = all
	Ringtone string   // WAV file; "" = the built-in ringtone
	// RecordDir is where call recordings go; "" = the data directory's
	// "recordings" folder.
	RecordDir string
	// RecordChannels is "separate" (local left, remote right; the default)
	// or "mixed" (one channel with both).
	RecordChannels string
}

// Video holds the camera and what video calls send.
type Video struct {
	// Camera is the capture device calls send from (a device ID, as
	// listed by the phone); "" = the first camera, else the test pattern.
	Camera string
	// Size is the largest picture we send, "WIDTHxHEIGHT"; "" = 640x480.
	Size    string
	FPS     int      // frames per second we send at most; 0 = 30
	Bitrate int      // kbit/s we send at most; 0 = 1500
	Codecs  []string // preference order, e.g. ["vp8","h264"]; empty = all
}

// UI holds the window's settings.
type UI struct {
	Theme string // "light" (default) or "dark"
	// NoTray keeps the window out of the system tray (key "tray = false").
	NoTray bool
	// StartAtLogin has the desktop start the window when the user logs in
	// (an XDG autostart entry on Linux, the Run key on Windows).
	StartAtLogin bool
}

// SIP holds settings shared by all accounts.
type SIP struct {
	// Listen is "host:port" to bind; "" lets the SIP layer pick (all
	// interfaces, a free port: the scanners that sweep 5060 all day do
	// not find us there, and calls through a registrar reach whatever
	// port we registered).
	Listen    string
	UserAgent string
	// AllowDirect accepts calls and messages addressed to this device
	// directly (not through a registrar): two phones can call each other
	// with no server. Auto is on only when no account is enabled.
	AllowDirect Switch
	// DirectFrom limits direct calls to these addresses or networks
	// ("198.18.0.7", "10.0.0.0/8"); empty means from anywhere.
	DirectFrom []string
	// MaxRinging is how many calls may ring at once; one more gets 486
	// Busy Here. 0 means DefaultMaxRinging.
	MaxRinging int
}

// DefaultMaxRinging is MaxRinging's value when the file sets none.
const DefaultMaxRinging = 4

// Switch is a setting that is on, off, or left to the phone.
type Switch uint8

// The values of a Switch; the zero value is Auto.
const (
	Auto Switch = iota
	On
	Off
)

// Or is the switch's value, def when it is Auto.
func (s Switch) Or(def bool) bool {
	switch s {
	case On:
		return true
	case Off:
		return false
	}
	return def
}

// SwitchOf is On for true, Off for false.
func SwitchOf(b bool) Switch {
	if b {
		return On
	}
	return Off
}

// Account is one SIP identity. Its zero value is not usable; accounts come
// from Parse, which applies defaults and validates every field.
type Account struct {
	Name         string // unique key used by the UI and logs
	DisplayName  string
	Username     string // user part of the address of record
	AuthUsername string // digest username when it differs from Username
	// Password is never printed: see String, GoString and LogValue. The
	// json:"-" tag covers encoders that bypass those, such as slog's JSON
	// handler marshalling a []Account.
	Password string `json:"-"`
	// PasswordStore says where the password is kept: "" in this file,
	// PasswordInKeyring in the OS keyring (service "softphone", user =
	// Name). Load leaves Password empty for a keyring account, and Save
	// never writes its Password: the caller fetches and stores it. The
	// TURN password (Media) is kept in the same place.
	PasswordStore         string
	Domain                string // AoR host, optionally with ":port"
	Proxy                 string // outbound proxy host[:port], "" for none
	Transport             string // "udp", "tcp" or "tls"
	CAFile                string // extra PEM CA bundle for TLS
	TLSInsecureSkipVerify bool
	Expires               int // registration lifetime in seconds
	Enabled               bool
	Features              // call handling, voicemail and presence (features.go)
	Media                 // media encryption and NAT traversal (media.go)
	// CTI overrides [cti] key by key for this account's calls (cti.go);
	// the webhook secret is never printed, as the passwords.
	CTI
}

// DefaultPath returns the per-user config file location,
// e.g. ~/.config/softphone/config.toml on Linux.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("config: locate user config directory: %w", err)
	}
	return filepath.Join(dir, "softphone", "config.toml"), nil
}

// Load reads the file at path and parses it with Parse. A missing file
// yields an error wrapping fs.ErrNotExist so callers can offer to create
// one; invalid content yields Errors.
func Load(path string) (*Config, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Parse decodes data, applies defaults and validates the result. file is
// used in error messages, as Config.Path and as the base for a relative
// ca_file or ringtone. On failure the error is an Errors listing every
// problem found, sorted by line.
func Parse(file string, data []byte) (*Config, error) {
	cfg, r, _ := decode(file, data)
	if err := r.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decode is Parse returning the config even when it has problems (nil
// only after a syntax error) and whether any problem is one of shape
// (syntax, unknown key, wrong type) rather than of value.
func decode(file string, data []byte) (cfg *Config, r *report, shape bool) {
	r = &report{file: file}
	root := buildTree(r, data)
	if root == nil {
		return nil, r, true
	}
	d := &decoder{r: r, pos: positions{}, bad: map[string]bool{}}
	cfg = d.config(root)
	cfg.Path = file
	shape = len(r.errs) > 0
	validate(r, cfg, d, filepath.Dir(file))
	for i, a := range cfg.Accounts {
		if a.PasswordStore == PasswordInKeyring && a.Password != "" {
			field := fmt.Sprintf("account[%d].password", i+1)
			r.add(d.pos[field], field, "must be absent when password_store = %q: the password is in the keyring", PasswordInKeyring)
		}
		if a.PasswordStore == PasswordInKeyring && a.TURNPassword != "" {
			field := fmt.Sprintf("account[%d].turn_password", i+1)
			r.add(d.pos[field], field, "must be absent when password_store = %q: the TURN password is in the keyring", PasswordInKeyring)
		}
	}
	return cfg, r, shape
}

// Clone returns a deep copy of c: its slices are not shared.
func (c *Config) Clone() Config {
	n := *c
	n.Audio.Codecs = slices.Clone(c.Audio.Codecs)
	n.Video.Codecs = slices.Clone(c.Video.Codecs)
	n.CTI = c.CTI.clone()
	n.Accounts = slices.Clone(c.Accounts)
	for i := range n.Accounts {
		n.Accounts[i].CTI = n.Accounts[i].CTI.clone()
	}
	return n
}

// Account returns the account called name.
func (c *Config) Account(name string) (Account, bool) {
	for _, a := range c.Accounts {
		if a.Name == name {
			return a, true
		}
	}
	return Account{}, false
}

// Enabled returns the accounts to register, in file order. The slice is a
// copy; callers may modify it.
func (c *Config) Enabled() []Account {
	var out []Account
	for _, a := range c.Accounts {
		if a.Enabled {
			out = append(out, a)
		}
	}
	return out
}

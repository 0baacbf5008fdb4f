package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxCAFileSize bounds how much of ca_file is read; CA bundles are a few
// hundred KiB at most.
const maxCAFileSize = 4 << 20

// validate checks semantic rules on a decoded config, normalizing it:
// defaults for empty user_agent, theme and transport, lower-case transport
// and codecs, relative ca_file and ringtone resolved against baseDir.
// Problems are reported at the line of the offending key, or of the
// enclosing table's header when a required key is missing.
func validate(r *report, cfg *Config, d *decoder, baseDir string) {
	v := validator{r: r, pos: d.pos, bad: d.bad}
	v.sip(&cfg.SIP)
	v.audio(&cfg.Audio, baseDir)
	v.video(&cfg.Video)
	v.ui(&cfg.UI)
	v.cti("cti", &cfg.CTI, nil, false)
	v.api(&cfg.API, baseDir)
	if len(cfg.Accounts) == 0 {
		cfg.Accounts = nil // as from a file without [[account]]
	}
	firstByName := map[string]int{}
	for i := range cfg.Accounts {
		prefix := fmt.Sprintf("account[%d]", i+1)
		if _, ok := v.pos[prefix]; !ok {
			continue // not a table; already reported
		}
		a := &cfg.Accounts[i]
		v.account(prefix, a, baseDir)
		v.cti(prefix, &a.CTI, &cfg.CTI, false)
		if a.Name == "" {
			continue
		}
		if first, dup := firstByName[a.Name]; dup {
			v.duplicateName(prefix, a.Name, first)
		} else {
			firstByName[a.Name] = v.line(prefix, "name")
		}
	}
}

type validator struct {
	r   *report
	pos positions
	bad map[string]bool // fields already reported with a wrong type
}

// fieldPath joins a table prefix and a key; an empty prefix (used by
// CheckAccount) leaves the bare key.
func fieldPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// line returns the line of prefix.key, falling back to the enclosing
// table's header when the key is absent.
func (v validator) line(prefix, key string) int {
	if l, ok := v.pos[fieldPath(prefix, key)]; ok {
		return l
	}
	return v.pos[prefix]
}

func (v validator) fail(prefix, key, format string, args ...any) {
	if v.bad[fieldPath(prefix, key)] {
		return // one problem per key: the type error says it all
	}
	v.r.add(v.line(prefix, key), fieldPath(prefix, key), format, args...)
}

// check reports msg when it is not "".
func (v validator) check(prefix, key, msg string) {
	if msg != "" {
		v.fail(prefix, key, "%s", msg)
	}
}

// required reports a missing or empty value and says whether s is set.
func (v validator) required(prefix, key, s string) bool {
	if s != "" {
		return true
	}
	if _, present := v.pos[fieldPath(prefix, key)]; present {
		v.fail(prefix, key, "must not be empty")
	} else {
		v.fail(prefix, key, "missing required key")
	}
	return false
}

func (v validator) sip(s *SIP) {
	if s.Listen != "" {
		v.check("sip", "listen", checkHostPort(s.Listen, hostPortRules{requirePort: true, allowEmpty: true, allowZero: true}))
	}
	v.check("sip", "user_agent", checkControls(s.UserAgent))
	for _, n := range s.DirectFrom {
		if _, err := ParseNet(n); err != nil {
			v.fail("sip", "allow_direct_from", "%v", err)
		}
	}
	if s.MaxRinging < 0 || s.MaxRinging > 1000 {
		v.fail("sip", "max_ringing", "must be between 1 and 1000, or 0 for %d (got %d)", DefaultMaxRinging, s.MaxRinging)
	}
	if s.UserAgent == "" {
		s.UserAgent = DefaultUserAgent
	}
}

// duplicateName reports a name already used by another account, declared
// on firstLine (0 when unknown).
func (v validator) duplicateName(prefix, name string, firstLine int) {
	if firstLine > 0 {
		v.fail(prefix, "name", "duplicate account name %q (first used on line %d)", name, firstLine)
	} else {
		v.fail(prefix, "name", "duplicate account name %q", name)
	}
}

func (v validator) account(prefix string, a *Account, baseDir string) {
	if v.required(prefix, "name", a.Name) {
		v.check(prefix, "name", checkName(a.Name))
	}
	v.check(prefix, "display_name", checkQuotable(a.DisplayName))
	if v.required(prefix, "username", a.Username) {
		v.check(prefix, "username", checkUserPart(a.Username))
	}
	v.check(prefix, "auth_username", checkQuotable(a.AuthUsername))
	v.check(prefix, "password", checkUTF8(a.Password))
	if a.PasswordStore != "" && a.PasswordStore != PasswordInKeyring {
		v.fail(prefix, "password_store", "must be %q or absent (got %q)", PasswordInKeyring, a.PasswordStore)
	}
	if v.required(prefix, "domain", a.Domain) {
		v.check(prefix, "domain", checkHostPort(a.Domain, hostPortRules{}))
	}
	if a.Proxy != "" {
		v.check(prefix, "proxy", checkHostPort(a.Proxy, hostPortRules{}))
	}
	v.transport(prefix, a)
	if a.Expires < 1 || a.Expires > MaxExpires {
		v.fail(prefix, "expires", "must be between 1 and %d seconds (got %d)", MaxExpires, a.Expires)
	}
	if a.CAFile != "" {
		a.CAFile = resolvePath(baseDir, a.CAFile)
		v.check(prefix, "ca_file", checkCAFile(a.CAFile))
	}
	v.features(prefix, &a.Features)
	v.media(prefix, a)
}

func (v validator) transport(prefix string, a *Account) {
	t := strings.ToLower(a.Transport)
	switch t {
	case "":
		a.Transport = DefaultTransport
	case "udp", "tcp", "tls":
		a.Transport = t
	default:
		v.fail(prefix, "transport", "must be one of udp, tcp, tls (got %q)", a.Transport)
	}
}

// checkCAFile requires a readable regular file holding at least one PEM
// certificate. Messages name the path, never the content.
func checkCAFile(path string) string {
	f, msg := openRegular(path, "CA file")
	if f == nil {
		return msg
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCAFileSize+1))
	if err != nil {
		return fmt.Sprintf("cannot read CA file %q: %s", path, reason(err))
	}
	if len(data) > maxCAFileSize {
		return fmt.Sprintf("CA file %q is larger than %d bytes", path, maxCAFileSize)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(data) {
		return fmt.Sprintf("CA file %q contains no PEM certificate", path)
	}
	return ""
}

// checkRingtone requires a readable regular file.
func checkRingtone(path string) string {
	f, msg := openRegular(path, "ringtone file")
	if f != nil {
		f.Close()
	}
	return msg
}

// openRegular opens path if it is a readable regular file, or returns a
// message naming what (e.g. "CA file") and the path.
func openRegular(path, what string) (*os.File, string) {
	if msg := checkUTF8(path); msg != "" {
		return nil, msg // not representable in TOML (only from Save)
	}
	// Stat first: opening a FIFO or device (fuzzers find /dev/stdin) could
	// block or never end.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Sprintf("cannot read %s %q: %s", what, path, reason(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Sprintf("%s %q is not a regular file", what, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Sprintf("cannot read %s %q: %s", what, path, reason(err))
	}
	return f, ""
}

// reason drops the path that *fs.PathError repeats.
func reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

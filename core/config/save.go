package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"sync"
)

// saveLocks serializes Save calls per file: absolute path → *sync.Mutex.
var saveLocks sync.Map

// Save writes c to c.Path, keeping the user's text: every top-level table
// (with the comments directly above it) whose content is unchanged stays
// byte for byte, changed ones are rewritten in place (comments inside a
// changed table may be lost, see merger), new ones are added and removed
// accounts are dropped with their comments. A missing file, and its
// directory (mode 0700), are created.
//
// c is validated first, as Parse would validate it, and nothing is
// written if it is invalid; the error is then Errors, whose entries have
// no line. Save also refuses to overwrite a file that has syntax errors,
// unknown keys or wrong types, as mapping it would lose the user's text.
//
// The file is replaced atomically (temporary file in the same directory,
// fsync, rename, fsync of the directory) with mode 0600, as it holds
// passwords; a symlink at c.Path is followed. Concurrent Save calls on the
// same path are serialized. On success c is normalized the way Load
// returns it (defaults applied, transport and codecs lower-cased,
// relative paths made absolute), so Load(c.Path) yields a Config equal
// to c, except that the Password and TURNPassword of an account whose
// PasswordStore is PasswordInKeyring are not written (Load returns them
// empty; c keeps them).
// Errors never contain a password.
func (c *Config) Save() error {
	if c.Path == "" {
		return errors.New("config: save: no path to save to")
	}
	next, err := c.normalized()
	if err != nil {
		return err
	}
	defer lockPath(c.Path)()
	path := c.Path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	old, err := readFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: save: %w", err)
	}
	out, err := render(c.Path, old, &next)
	if err != nil {
		return err
	}
	if err := writeAtomic(path, out); err != nil {
		return fmt.Errorf("config: save: %w", err)
	}
	*c = next
	return nil
}

// normalized returns a validated, normalized copy of c.
func (c *Config) normalized() (Config, error) {
	n := c.Clone()
	pos := positions{}
	for _, p := range []struct {
		prefix string
		keys   []string
	}{{"sip", sipKeys}, {"audio", audioKeys}, {"video", videoKeys}, {"ui", uiKeys}, {"cti", ctiKeys}, {"api", apiKeys}} {
		maps.Copy(pos, presentKeys(p.prefix, p.keys))
	}
	for i := range n.Accounts {
		maps.Copy(pos, presentKeys(fmt.Sprintf("account[%d]", i+1), accountKeys))
	}
	r := &report{file: c.Path}
	validate(r, &n, &decoder{r: r, pos: pos, bad: map[string]bool{}}, filepath.Dir(c.Path))
	return n, r.err()
}

// render returns cfg written over old, the file's current content (nil
// if there is none), checking that the result reads back as cfg.
func render(file string, old []byte, cfg *Config) ([]byte, error) {
	prev, r, shape := decode(file, old)
	if shape {
		return nil, fmt.Errorf("config: not saving over %s, which has problems to fix first:\n%w", file, r.err())
	}
	l, err := splitLayout(old)
	if err != nil {
		return nil, fmt.Errorf("config: save: %s: %w", file, err)
	}
	out := merge(l, prev, cfg)
	got, err := Parse(file, out)
	if err != nil {
		return nil, fmt.Errorf("config: save: internal error: the new text of %s does not parse:\n%w", file, err)
	}
	if what := diffConfig(got, cfg); what != "" {
		return nil, fmt.Errorf("config: save: internal error: the new text of %s reads back with a different %s", file, what)
	}
	return out, nil
}

// diffConfig names the first part of a and b that differs, or returns "".
// It never shows values.
func diffConfig(a, b *Config) string {
	switch {
	case !sameKVs(sipKVs(a.SIP), sipKVs(b.SIP)):
		return "[sip]"
	case !sameKVs(audioKVs(a.Audio), audioKVs(b.Audio)):
		return "[audio]"
	case !sameKVs(videoKVs(a.Video), videoKVs(b.Video)):
		return "[video]"
	case !sameKVs(uiKVs(a.UI), uiKVs(b.UI)):
		return "[ui]"
	case !sameKVs(ctiKVs(a.CTI), ctiKVs(b.CTI)):
		return "[cti]"
	case !sameKVs(apiKVs(a.API), apiKVs(b.API)):
		return "[api]"
	case len(a.Accounts) != len(b.Accounts):
		return "number of accounts"
	}
	for i := range a.Accounts {
		if !sameKVs(accountKVs(a.Accounts[i]), accountKVs(b.Accounts[i])) {
			return fmt.Sprintf("account %d (%q)", i+1, b.Accounts[i].Name)
		}
	}
	return ""
}

func lockPath(path string) (unlock func()) {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	v, _ := saveLocks.LoadOrStore(key, new(sync.Mutex))
	mu := v.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

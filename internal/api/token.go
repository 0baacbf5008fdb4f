package api

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/softphone/softphone/internal/userfile"
)

// TokenFile is the name of the token's file, next to the configuration.
const TokenFile = "api-token"

// tokenBytes is the token's entropy: 256 bits, beyond any guessing.
const tokenBytes = 32

// TokenPath is where the token of the configuration at cfgPath is kept.
func TokenPath(cfgPath string) string {
	return filepath.Join(filepath.Dir(cfgPath), TokenFile)
}

// LoadToken reads the token at path; fs.ErrNotExist (wrapped) when there
// is none yet.
func LoadToken(path string) (string, error) {
	b, err := userfile.ReadFile(path) // shares delete with a creator removing its temporary link
	if err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	if err := checkPrivate(path); err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 32 || strings.ContainsAny(tok, " \t\r\n") {
		return "", fmt.Errorf("api: token: %s does not hold a token: delete it and one is made", path)
	}
	return tok, nil
}

// LoadOrCreateToken reads the token at path, first writing a new random
// one there (private to the user) when there is none. Two processes
// racing to create it read the same one: the token is written whole to a
// temporary file and linked into place, which fails if another was first.
func LoadOrCreateToken(path string) (string, error) {
	tok, err := LoadToken(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return tok, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	tok = NewToken()
	tmp, err := writePrivate(filepath.Dir(path), tok+"\n")
	if err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return LoadToken(path)
	} else if err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	return tok, nil
}

// writePrivate writes body to a new temporary file in dir that only the
// user may read, and returns its name.
func writePrivate(dir, body string) (string, error) {
	f, err := os.CreateTemp(dir, ".api-token-*")
	if err != nil {
		return "", err
	}
	err = userfile.Restrict(f.Name())
	if err == nil {
		_, err = f.WriteString(body)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// NewToken is a fresh random token (URL-safe base64, 43 characters).
func NewToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RotateToken replaces the token at path with a new one.
func RotateToken(path string) (string, error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("api: token: %w", err)
	}
	return LoadOrCreateToken(path)
}

// checkPrivate refuses a token file others can read: whoever reads it
// controls the phone.
func checkPrivate(path string) error {
	if err := userfile.Check(path); err != nil {
		return fmt.Errorf("api: token: %w", err)
	}
	return nil
}

// sameToken compares in constant time, so timing tells nothing of the
// token.
func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// bearer is the token of an "Authorization: Bearer T" header ("" if none).
func bearer(h string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

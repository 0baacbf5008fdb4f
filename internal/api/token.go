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
	b, err := os.ReadFile(path)
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
// one there (mode 0600) when there is none. Two processes racing to
// create it read the same one: the file is created exclusively.
func LoadOrCreateToken(path string) (string, error) {
	tok, err := LoadToken(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return tok, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadToken(path)
	}
	if err != nil {
		return "", fmt.Errorf("api: token: %w", err)
	}
	tok = NewToken()
	// Private before the token is in it, wherever the file lives.
	werr := userfile.Restrict(path)
	if werr == nil {
		_, werr = f.WriteString(tok + "\n")
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path)
		return "", fmt.Errorf("api: token: %w", werr)
	}
	return tok, nil
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

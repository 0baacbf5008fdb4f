package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// syntaxError is a TOML document error with its position.
type syntaxError struct {
	Line int
	Msg  string
}

// checkSyntax runs go-toml's full decoder, which enforces TOML semantics
// (duplicate keys, redefined tables, integer overflow) that the unstable
// parser alone does not.
func checkSyntax(data []byte) *syntaxError {
	var doc map[string]any
	err := toml.Unmarshal(data, &doc)
	if err == nil {
		return nil
	}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return &syntaxError{Msg: "invalid TOML: " + redactChars(trimTOML(err))}
	}
	line, col := de.Position()
	msg := trimTOML(err)
	// go-toml quotes the offending character; on a password line (or inside
	// any string escape, which may sit in a multi-line password) that
	// character is part of the secret.
	if mentionsPassword(data, line) || strings.Contains(msg, "escape") {
		msg = redactChars(msg)
	}
	return &syntaxError{Line: line, Msg: fmt.Sprintf("invalid TOML at column %d: %s", col, msg)}
}

func trimTOML(err error) string {
	return strings.TrimPrefix(err.Error(), "toml: ")
}

func mentionsPassword(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return true // be safe when the position is unknown
	}
	return bytes.Contains(bytes.ToLower(lines[line-1]), []byte("password"))
}

// charRef matches a character as formatted by %#U, e.g. "U+0071 'q'".
var charRef = regexp.MustCompile(`U\+[0-9A-F]{4,6}(?: '.')?`)

// redactChars removes quoted characters from a parser message.
func redactChars(msg string) string {
	return charRef.ReplaceAllString(msg, "<redacted>")
}

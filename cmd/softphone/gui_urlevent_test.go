//go:build !nogui

package main

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"testing"

	"gioui.org/app"
)

// TestURLEventDialsTheLink: a link macOS hands the window as an event is
// dialled as one given on the command line; anything else is not.
func TestURLEventDialsTheLink(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for link, want := range map[string][]string{
		"sip:bob@example.com?Replaces=abc": {"Dial sip:bob@example.com "},
		"sips:alice@example.com":           {"Dial sips:alice@example.com "},
		"tel:%2B441234567890":              {"Dial tel:+441234567890 "},
		"callto://carol":                   {"Dial carol "},
		"https://example.com/":             nil,
	} {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		f := &fakePhone{}
		dialLinkEvent(context.Background(), f, app.URLEvent{URL: u}, log)
		if !slices.Equal(f.did, want) {
			t.Errorf("URL event %s: the phone did %q, want %q", link, f.did, want)
		}
	}
}

package testlab

import (
	"errors"
	"testing"
)

// TestShortStartsNoServer checks the -short gate itself (it only runs under
// -short): Require skips, and a starter reached anyway refuses to run.
func TestShortStartsNoServer(t *testing.T) {
	if !testing.Short() {
		t.Skip("checks the -short gate; run with -short")
	}
	var sub *testing.T
	t.Run("require", func(t *testing.T) {
		sub = t
		Require(t, "kamailio", "kamailio")
		t.Error("Require did not skip under -short")
	})
	if !sub.Skipped() {
		t.Error("Require: the test was not skipped")
	}
	if err := startAllowed(); !errors.Is(err, errShort) {
		t.Errorf("startAllowed under -short = %v, want %v", err, errShort)
	}
	k := &Kamailio{t: t}
	if err := k.Start(); !errors.Is(err, errShort) {
		t.Errorf("Kamailio.Start under -short = %v, want %v", err, errShort)
	}
	b := &Baresip{t: t}
	if err := b.start(); !errors.Is(err, errShort) {
		t.Errorf("baresip start under -short = %v, want %v", err, errShort)
	}
}

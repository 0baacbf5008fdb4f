package sip

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestSipgoLogQuietsWhatStrangersCause(t *testing.T) {
	var buf bytes.Buffer
	l := sipgoLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	garbage := strings.Repeat("x", 5000)
	l.Error("failed to parse", "data", garbage)
	if buf.Len() != 0 {
		t.Errorf("a parse failure reached an info-level log: %.200q", buf.String())
	}
	l.Error("something of ours broke", "error", "boom")
	if !strings.Contains(buf.String(), "boom") {
		t.Errorf("other errors were lost: %q", buf.String())
	}

	buf.Reset()
	l = sipgoLog(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	l.Error("failed to parse", "data", garbage)
	if out := buf.String(); !strings.Contains(out, "level=DEBUG") || len(out) > 2*clipAttr+200 {
		t.Errorf("at debug level, want one clipped debug line: %d bytes %.300q", len(out), out)
	}
}

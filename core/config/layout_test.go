package config

import (
	"fmt"
	"testing"
)

func TestSplitLayout(t *testing.T) {
	src := `# file comment

top = 1 # a pair before any table
[sip]
listen = ":5060"

# about audio
# (two lines)
[audio]
# codecs in order
codecs = [
  "opus", # first
]
# trailing comment of audio

[[account]]
name = """
# not a comment
"""
`
	l, err := splitLayout([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(l.preamble.start, l.preamble.end, l.preamble.items)
	if want := "0 3 [{top 0 2 2 3}]"; got != want {
		t.Errorf("preamble = %s, want %s", got, want)
	}
	var blocks []string
	for _, b := range l.blocks {
		blocks = append(blocks, fmt.Sprintf("%s %v %d %d %d %v", b.name, b.array, b.start, b.header, b.end, b.items))
	}
	want := []string{
		"sip false 3 3 6 [{listen 4 4 4 5}]",
		"audio false 6 8 15 [{codecs 9 9 10 13}]",
		"account true 15 15 19 [{name 16 16 16 19}]",
	}
	if fmt.Sprint(blocks) != fmt.Sprint(want) {
		t.Errorf("blocks =\n%q\nwant\n%q", blocks, want)
	}
	if string(l.text(0, 19)) != src || l.eol != "\n" {
		t.Error("lines do not cover the file")
	}
	l, err = splitLayout([]byte("[ui]\r\ntheme = \"dark\""))
	if err != nil || l.eol != "\r\n" || len(l.off) != 3 || l.blocks[0].end != 2 {
		t.Errorf("CRLF, no final newline: %+v, %v", l, err)
	}
}

package config

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/pelletier/go-toml/v2/unstable"
)

// layout is a config file's text split into top-level blocks, so Save can
// keep the blocks whose content does not change byte for byte.
//
// A block is a table header with the comment lines directly above it (no
// blank line between) and everything after it up to the next block; the
// preamble is what comes before the first block. Line numbers are 0-based
// indexes into off, where line i is data[off[i]:off[i+1]] including its
// line terminator.
type layout struct {
	data     []byte
	off      []int
	eol      string // "\r\n" if the file's first line ends so, else "\n"
	preamble block
	blocks   []block
}

// block is a line range [start, end); header is the line of its table
// header (-1 for the preamble), name its key ("sip", "audio", "ui" or
// "account"), items the key/value pairs in its body.
type block struct {
	name       string
	array      bool // [[name]] rather than [name]
	start, end int
	header     int
	items      []item
}

// item is a key/value pair: lines [start, end), where [start, keyLine)
// are the comment and blank lines since the previous pair (or the
// header), [lead, keyLine) those comments directly above the key, and
// [keyLine, end) the pair itself, with any comment after its value.
type item struct {
	key                       string // first part of the (possibly dotted) key
	start, lead, keyLine, end int
}

// splitLayout splits data, which must be valid TOML.
func splitLayout(data []byte) (*layout, error) {
	l := &layout{data: data, eol: "\n", off: lineStarts(data)}
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		l.eol = "\r\n"
	}
	if last := l.off[len(l.off)-1]; last < len(data) {
		l.off = append(l.off, len(data)) // last line has no terminator
	}
	comment := map[int]bool{} // lines holding only a comment
	l.preamble = block{header: -1}
	cur := &l.preamble
	var p unstable.Parser
	p.KeepComments = true
	p.Reset(data)
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Comment:
			comment[l.line(e.Raw.Offset)] = true
		case unstable.Table, unstable.ArrayTable:
			keys, first := exprKeys(e)
			h := l.line(first)
			start := h
			for start > 0 && comment[start-1] {
				start--
			}
			cur.end = start
			l.blocks = append(l.blocks, block{
				name: keys[0], array: e.Kind == unstable.ArrayTable,
				start: start, header: h,
			})
			if len(keys) != 1 {
				l.blocks[len(l.blocks)-1].name = "" // a subtable: Parse rejects these
			}
			cur = &l.blocks[len(l.blocks)-1]
		case unstable.KeyValue:
			keys, _ := exprKeys(e)
			k := l.line(e.Raw.Offset)
			start := cur.header + 1
			if n := len(cur.items); n > 0 {
				start = cur.items[n-1].end
			}
			lead := k
			for lead > start && comment[lead-1] {
				lead--
			}
			cur.items = append(cur.items, item{
				key: keys[0], start: start, lead: lead, keyLine: k,
				end: l.line(e.Raw.Offset+e.Raw.Length-1) + 1,
			})
		}
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("split into tables: %w", err)
	}
	cur.end = len(l.off) - 1
	return l, nil
}

// exprKeys returns the parts of a key/value's or header's key and the
// offset of the first.
func exprKeys(e *unstable.Node) ([]string, uint32) {
	var keys []string
	var first uint32
	it := e.Key()
	for it.Next() {
		k := it.Node()
		if keys == nil {
			first = k.Raw.Offset
		}
		keys = append(keys, string(k.Data))
	}
	if keys == nil {
		keys = []string{""}
	}
	return keys, first
}

// line returns the 0-based line holding byte offset.
func (l *layout) line(offset uint32) int {
	i, found := slices.BinarySearch(l.off, int(offset))
	if found {
		return i
	}
	return i - 1
}

// text returns lines [from, to).
func (l *layout) text(from, to int) []byte {
	if from >= to {
		return nil
	}
	return l.data[l.off[from]:l.off[to]]
}

// indent returns the blanks that start line i.
func (l *layout) indent(i int) string {
	s := l.text(i, i+1)
	return string(s[:len(s)-len(bytes.TrimLeft(s, " \t"))])
}

// body returns where the block's pairs start and where its tail (comment
// and blank lines after the last pair) starts.
func (b *block) body() (first, tail int) {
	first = b.header + 1
	if b.header < 0 {
		first = b.start
	}
	tail = first
	if n := len(b.items); n > 0 {
		tail = b.items[n-1].end
	}
	return first, tail
}

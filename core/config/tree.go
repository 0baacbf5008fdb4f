package config

import (
	"slices"

	"github.com/pelletier/go-toml/v2/unstable"
)

// node is a TOML value annotated with the line it was defined on.
// go-toml's decoder drops positions, so the document is rebuilt from the
// unstable AST to report every problem with its line.
type node struct {
	kind  unstable.Kind // String, Integer, Bool, Float, dates, Array, Table or ArrayTable
	line  int
	text  string // String value, or raw literal for Integer/Bool/Float/dates
	keys  []string
	vals  map[string]*node
	elems []*node // Array elements, or the tables of an ArrayTable
}

func newTable(line int) *node {
	return &node{kind: unstable.Table, line: line, vals: map[string]*node{}}
}

func (n *node) isTable() bool { return n.kind == unstable.Table }

func (n *node) set(key string, v *node) {
	if _, ok := n.vals[key]; !ok {
		n.keys = append(n.keys, key)
	}
	n.vals[key] = v
}

// treeBuilder walks the AST; the document has already been checked for
// syntax and TOML semantics (duplicate keys, table redefinition) by
// go-toml's decoder, so it only has to be defensive, not strict.
type treeBuilder struct {
	p          unstable.Parser
	lineStarts []int // byte offset at which each line begins
}

// buildTree returns the document as a tree, or nil after reporting a
// syntax error (there is no sensible way to continue past one).
func buildTree(r *report, data []byte) *node {
	if err := checkSyntax(data); err != nil {
		r.add(err.Line, "", "%s", err.Msg)
		return nil
	}
	b := &treeBuilder{lineStarts: lineStarts(data)}
	b.p.Reset(data)
	root := newTable(0)
	cur := root
	for b.p.NextExpression() {
		e := b.p.Expression()
		switch e.Kind {
		case unstable.KeyValue:
			b.keyValue(cur, e)
		case unstable.Table:
			cur = b.walk(root, b.keys(e))
		case unstable.ArrayTable:
			cur = b.arrayTable(root, b.keys(e))
		}
		if cur == nil { // only on a document go-toml would reject
			cur = newTable(0)
		}
	}
	if err := b.p.Error(); err != nil {
		r.add(0, "", "invalid TOML: %s", redactChars(err.Error()))
		return nil
	}
	return root
}

func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// line returns the 1-based line of a node's first byte.
func (b *treeBuilder) line(n *unstable.Node) int {
	i, found := slices.BinarySearch(b.lineStarts, int(n.Raw.Offset))
	if found {
		return i + 1
	}
	return i
}

type keyPart struct {
	name string
	line int
}

func (b *treeBuilder) keys(e *unstable.Node) []keyPart {
	var ks []keyPart
	it := e.Key()
	for it.Next() {
		k := it.Node()
		ks = append(ks, keyPart{name: string(k.Data), line: b.line(k)})
	}
	return ks
}

// walk descends from t along ks, creating tables as needed; an array of
// tables on the way stands for its last element, as in TOML.
func (b *treeBuilder) walk(t *node, ks []keyPart) *node {
	for _, k := range ks {
		if t == nil || !t.isTable() {
			return nil
		}
		child, ok := t.vals[k.name]
		switch {
		case !ok:
			child = newTable(k.line)
			t.set(k.name, child)
		case child.kind == unstable.ArrayTable && len(child.elems) > 0:
			child = child.elems[len(child.elems)-1]
		}
		t = child
	}
	return t
}

func (b *treeBuilder) arrayTable(root *node, ks []keyPart) *node {
	if len(ks) == 0 {
		return nil
	}
	parent := b.walk(root, ks[:len(ks)-1])
	last := ks[len(ks)-1]
	if parent == nil || !parent.isTable() {
		return nil
	}
	arr, ok := parent.vals[last.name]
	if !ok {
		arr = &node{kind: unstable.ArrayTable, line: last.line}
		parent.set(last.name, arr)
	}
	if arr.kind != unstable.ArrayTable {
		return nil
	}
	t := newTable(last.line)
	arr.elems = append(arr.elems, t)
	return t
}

func (b *treeBuilder) keyValue(t *node, e *unstable.Node) {
	ks := b.keys(e)
	if len(ks) == 0 {
		return
	}
	parent := b.walk(t, ks[:len(ks)-1])
	if parent == nil || !parent.isTable() {
		return
	}
	last := ks[len(ks)-1]
	parent.set(last.name, b.value(e.Value(), last.line))
}

// value converts a value node; line is the line of its key, used for
// values (such as arrays) that carry no position of their own.
func (b *treeBuilder) value(v *unstable.Node, line int) *node {
	if v.Raw.Length > 0 {
		line = b.line(v)
	}
	switch v.Kind {
	case unstable.Array:
		n := &node{kind: unstable.Array, line: line}
		it := v.Children()
		for it.Next() {
			n.elems = append(n.elems, b.value(it.Node(), line))
		}
		return n
	case unstable.InlineTable:
		n := newTable(line)
		it := v.Children()
		for it.Next() {
			b.keyValue(n, it.Node())
		}
		return n
	default:
		return &node{kind: v.Kind, line: line, text: string(v.Data)}
	}
}

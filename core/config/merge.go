package config

import (
	"bytes"
	"slices"
)

// merger writes a new configuration over an old file's layout.
//
// A block whose content is unchanged is copied byte for byte. A changed
// block keeps its leading comments, its header line, the pairs whose value
// did not change (with their comments) and its trailing comment and blank
// lines; each changed pair is rewritten on one line after the comments
// above it, losing any comment that followed the old value on its line,
// and a pair whose value became empty is removed with the comments
// directly above it. Keys the block lacked are added after its last pair.
// New tables are written in canonical form.
type merger struct {
	l        *layout
	old, cfg *Config
	out      bytes.Buffer
	lastEnd  int // line after the old text written last, -1 after a new table
}

// section is how a top-level table ("sip", "audio", "ui", ...) renders in the
// old and in the new configuration.
type section struct {
	name     string
	old, new []kv
}

func (m *merger) sections() []section {
	return []section{
		{"sip", sipKVs(m.old.SIP), sipKVs(m.cfg.SIP)},
		{"audio", audioKVs(m.old.Audio), audioKVs(m.cfg.Audio)},
		{"video", videoKVs(m.old.Video), videoKVs(m.cfg.Video)},
		{"ui", uiKVs(m.old.UI), uiKVs(m.cfg.UI)},
		{"cti", ctiKVs(m.old.CTI), ctiKVs(m.cfg.CTI)},
		{"api", apiKVs(m.old.API), apiKVs(m.cfg.API)},
	}
}

// merge returns the text of cfg written over l, the layout of a file
// that decodes to old. Both configs must be normalized.
func merge(l *layout, old, cfg *Config) []byte {
	m := &merger{l: l, old: old, cfg: cfg, lastEnd: -1}
	secs := m.sections()
	changed := map[string]bool{"account": !sameAccounts(old.Accounts, cfg.Accounts)}
	for _, s := range secs {
		changed[s.name] = !sameKVs(s.old, s.new)
	}
	fresh := m.preamble(changed) // tables to write anew
	inBlock := map[string]bool{}
	for _, b := range l.blocks {
		inBlock[b.name] = true
	}
	for _, s := range secs {
		if changed[s.name] && !inBlock[s.name] {
			fresh[s.name] = true
		}
	}
	freshSections := func() {
		for _, s := range secs {
			if fresh[s.name] {
				m.fresh("["+s.name+"]", s.new)
				fresh[s.name] = false
			}
		}
	}

	p := m.planAccounts(fresh["account"])
	k := 0 // ordinal of the old account block
	for i := range l.blocks {
		b := &l.blocks[i]
		switch {
		case p.blocks != nil && b.name == "account" && b.array:
			freshSections() // new tables go before the first account
			p.writeUpTo(m, p.oldToNew[k])
			k++
		case !b.array && b.name != "account" && changed[b.name]:
			s := secs[slices.IndexFunc(secs, func(s section) bool { return s.name == b.name })]
			m.rewrite(b, s.old, s.new)
		default:
			m.keep(b)
		}
	}
	freshSections()
	p.writeUpTo(m, len(cfg.Accounts)-1)
	return m.out.Bytes()
}

// preamble writes what precedes the first table header. Its pairs
// (sip.listen = ..., account = [...]) are dropped with the comments
// directly above them when their table changes; it returns those tables,
// which are then written anew.
func (m *merger) preamble(changed map[string]bool) (fresh map[string]bool) {
	l := m.l
	fresh = map[string]bool{}
	for _, it := range l.preamble.items {
		if changed[it.key] {
			m.write(l.text(it.start, it.lead))
			fresh[it.key] = true
		} else {
			m.write(l.text(it.start, it.end))
		}
	}
	_, tail := l.preamble.body()
	m.write(l.text(tail, l.preamble.end))
	m.lastEnd = l.preamble.end
	return fresh
}

func (m *merger) keep(b *block) {
	m.separate(b.start)
	m.write(m.l.text(b.start, b.end))
	m.lastEnd = b.end
}

// rewrite writes a changed block (see merger).
func (m *merger) rewrite(b *block, old, cur []kv) {
	l := m.l
	m.separate(b.start)
	m.write(l.text(b.start, b.header+1))
	seen := map[string]bool{}
	indent := ""
	for _, it := range b.items {
		seen[it.key] = true
		indent = l.indent(it.keyLine)
		nv, known := findKV(cur, it.key)
		ov, _ := findKV(old, it.key)
		switch {
		case !known || nv.lit == ov.lit:
			m.write(l.text(it.start, it.end))
		case nv.drop:
			m.write(l.text(it.start, it.lead))
		default:
			m.write(l.text(it.start, it.keyLine))
			m.line(indent + nv.key + " = " + nv.lit)
		}
	}
	for _, nv := range cur {
		if !seen[nv.key] && !nv.omit {
			m.line(indent + nv.key + " = " + nv.lit)
		}
	}
	_, tail := b.body()
	m.write(l.text(tail, b.end))
	m.lastEnd = b.end
}

// fresh writes a new table with the keys that differ from their default.
func (m *merger) fresh(header string, kvs []kv) {
	m.separate(-1)
	m.line(header)
	for _, x := range kvs {
		if !x.omit || x.show {
			m.line(x.key + " = " + x.lit)
		}
	}
	m.lastEnd = -1
}

// separate starts a block that begins at line start (-1 for a new one) on
// a line of its own, after a blank line unless it follows in the old
// file what was written last.
func (m *merger) separate(start int) {
	if m.out.Len() == 0 {
		return
	}
	m.newline()
	if (start < 0 || start != m.lastEnd) && !bytes.HasSuffix(m.out.Bytes(), []byte("\n"+m.l.eol)) {
		m.out.WriteString(m.l.eol)
	}
}

func (m *merger) newline() {
	if b := m.out.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
		m.out.WriteString(m.l.eol)
	}
}

func (m *merger) line(s string) {
	m.newline()
	m.out.WriteString(s)
	m.out.WriteString(m.l.eol)
}

func (m *merger) write(b []byte) { m.out.Write(b) }

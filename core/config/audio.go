package config

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// knownCodecs lists the names accepted in audio.codecs.
var knownCodecs = []string{"opus", "g722", "pcmu", "pcma"}

func (d *decoder) audio(t *node, a *Audio) {
	d.pos["audio"] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], "audio."+k
		switch k {
		case "input":
			d.str(v, field, &a.Input)
		case "output":
			d.str(v, field, &a.Output)
		case "codecs":
			d.strList(v, field, &a.Codecs)
		case "ringtone":
			d.str(v, field, &a.Ringtone)
		case "record_dir":
			d.str(v, field, &a.RecordDir)
		case "record_channels":
			d.str(v, field, &a.RecordChannels)
		default:
			d.unknown(v, field, k, audioKeys)
		}
	}
}

func (d *decoder) ui(t *node, u *UI) {
	d.pos["ui"] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], "ui."+k
		switch k {
		case "theme":
			d.str(v, field, &u.Theme)
		case "tray":
			on := true
			d.boolean(v, field, &on)
			u.NoTray = !on
		case "start_at_login":
			d.boolean(v, field, &u.StartAtLogin)
		default:
			d.unknown(v, field, k, uiKeys)
		}
	}
}

// strList decodes an array of strings; element i (1-based) is recorded as
// field[i] so problems point at its line.
func (d *decoder) strList(v *node, field string, dst *[]string) {
	d.pos[field] = v.line
	if v.kind != unstable.Array {
		d.bad[field] = true
		d.r.add(v.line, field, "must be an array of strings (got %s)", kindName(v))
		return
	}
	var out []string
	for i, e := range v.elems {
		ef := elemField(field, i)
		d.pos[ef] = e.line
		if e.kind != unstable.String {
			d.bad[field] = true
			d.r.add(e.line, ef, "must be a string (got %s)", kindName(e))
			continue
		}
		out = append(out, e.text)
	}
	*dst = out
}

func elemField(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i+1) }

// audio checks the [audio] table, lower-casing codec names and resolving
// a relative ringtone against baseDir.
func (v validator) audio(a *Audio, baseDir string) {
	v.check("audio", "input", checkControls(a.Input))
	v.check("audio", "output", checkControls(a.Output))
	if !v.bad["audio.codecs"] {
		v.codecs(a.Codecs)
	}
	if len(a.Codecs) == 0 {
		a.Codecs = nil // as from a file without the key
	}
	if a.Ringtone != "" {
		a.Ringtone = resolvePath(baseDir, a.Ringtone)
		v.check("audio", "ringtone", checkRingtone(a.Ringtone))
	}
	if a.RecordDir != "" {
		a.RecordDir = resolvePath(baseDir, a.RecordDir)
		v.check("audio", "record_dir", checkControls(a.RecordDir))
	}
	switch a.RecordChannels {
	case "", RecordSeparate, RecordMixed:
	default:
		v.fail("audio", "record_channels", "must be %q or %q (got %q)", RecordSeparate, RecordMixed, a.RecordChannels)
	}
}

func (v validator) codecs(cs []string) {
	first := map[string]int{}
	for i, c := range cs {
		key := elemField("codecs", i)
		l := strings.ToLower(c)
		cs[i] = l
		switch j, dup := first[l]; {
		case !slices.Contains(knownCodecs, l):
			v.fail("audio", key, "unknown codec %q (want one of %s)", c, strings.Join(knownCodecs, ", "))
		case dup:
			v.fail("audio", key, "duplicate codec %q (already listed as codecs[%d])", c, j+1)
		default:
			first[l] = i
		}
	}
}

func (v validator) ui(u *UI) {
	switch u.Theme {
	case "":
		u.Theme = DefaultTheme
	case "light", "dark":
	default:
		v.fail("ui", "theme", `must be "light" or "dark" (got %q)`, u.Theme)
	}
}

// resolvePath makes a relative path relative to baseDir, as paths in the
// file are relative to the file's directory.
func resolvePath(baseDir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(baseDir, p)
}

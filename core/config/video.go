package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

var (
	videoKeys = []string{"camera", "size", "fps", "bitrate", "codecs"}
	// knownVideoCodecs lists the names accepted in video.codecs.
	knownVideoCodecs = []string{"vp8", "h264"}
)

func (d *decoder) video(t *node, v *Video) {
	d.pos["video"] = t.line
	for _, k := range t.keys {
		n, field := t.vals[k], "video."+k
		switch k {
		case "camera":
			d.str(n, field, &v.Camera)
		case "size":
			d.str(n, field, &v.Size)
		case "fps":
			d.integer(n, field, &v.FPS)
		case "bitrate":
			d.integer(n, field, &v.Bitrate)
		case "codecs":
			d.strList(n, field, &v.Codecs)
		default:
			d.unknown(n, field, k, videoKeys)
		}
	}
}

func (v validator) video(x *Video) {
	if x.Size != "" {
		w, h, ok := strings.Cut(strings.ToLower(strings.TrimSpace(x.Size)), "x")
		wi, err1 := strconv.Atoi(w)
		hi, err2 := strconv.Atoi(h)
		if !ok || err1 != nil || err2 != nil || wi < 64 || hi < 48 || wi > 3840 || hi > 2160 || wi%2 != 0 || hi%2 != 0 {
			v.fail("video", "size", "must be WIDTHxHEIGHT, even, from 64x48 to 3840x2160 (got %q)", x.Size)
		} else {
			x.Size = fmt.Sprintf("%dx%d", wi, hi)
		}
	}
	if x.FPS < 0 || x.FPS > 60 {
		v.fail("video", "fps", "must be from 1 to 60 (got %d)", x.FPS)
	}
	if x.Bitrate < 0 || (x.Bitrate > 0 && x.Bitrate < 64) || x.Bitrate > 20000 {
		v.fail("video", "bitrate", "must be from 64 to 20000 kbit/s (got %d)", x.Bitrate)
	}
	seen := map[string]bool{}
	for i, c := range x.Codecs {
		key := elemField("codecs", i)
		l := strings.ToLower(c)
		x.Codecs[i] = l
		switch {
		case !slices.Contains(knownVideoCodecs, l):
			v.fail("video", key, "unknown video codec %q (want one of %s)", c, strings.Join(knownVideoCodecs, ", "))
		case seen[l]:
			v.fail("video", key, "video codec %q listed twice", c)
		}
		seen[l] = true
	}
	if len(x.Codecs) == 0 {
		x.Codecs = nil
	}
}

func videoKVs(x Video) []kv {
	return []kv{
		optKV("camera", x.Camera),
		optKV("size", x.Size),
		{key: "fps", lit: strconv.Itoa(x.FPS), omit: x.FPS == 0, drop: x.FPS == 0},
		{key: "bitrate", lit: strconv.Itoa(x.Bitrate), omit: x.Bitrate == 0, drop: x.Bitrate == 0},
		listKV("codecs", x.Codecs),
	}
}

package appicon

import (
	"fmt"
	"strconv"
)

// parsePath reads SVG path data made of M, L, H, V, C and Z (absolute
// or relative) into absolute commands.
func parsePath(d string) ([]op, error) {
	toks, err := tokenize(d)
	if err != nil {
		return nil, err
	}
	var ops []op
	var cx, cy, sx, sy float32 // current point, subpath start
	var cmd rune
	for i := 0; i < len(toks); {
		if c, ok := toks[i].(rune); ok {
			cmd = c
			i++
			if cmd == 'Z' || cmd == 'z' {
				ops = append(ops, op{'Z', nil})
				cx, cy = sx, sy
				continue
			}
		} else if cmd == 0 {
			return nil, fmt.Errorf("appicon: path %q: numbers before a command", d)
		}
		n := map[rune]int{'M': 2, 'm': 2, 'L': 2, 'l': 2, 'H': 1, 'h': 1, 'V': 1, 'v': 1, 'C': 6, 'c': 6}[cmd]
		if n == 0 {
			return nil, fmt.Errorf("appicon: path %q: command %q not supported", d, cmd)
		}
		if i+n > len(toks) {
			return nil, fmt.Errorf("appicon: path %q: %q wants %d numbers", d, cmd, n)
		}
		v := make([]float32, n)
		for j := range v {
			f, ok := toks[i+j].(float32)
			if !ok {
				return nil, fmt.Errorf("appicon: path %q: %q wants %d numbers", d, cmd, n)
			}
			v[j] = f
		}
		i += n
		rel := cmd >= 'a'
		abs := func(k int) (float32, float32) {
			if rel {
				return cx + v[k], cy + v[k+1]
			}
			return v[k], v[k+1]
		}
		switch cmd {
		case 'M', 'm':
			cx, cy = abs(0)
			sx, sy = cx, cy
			ops = append(ops, op{'M', []float32{cx, cy}})
			// Further pairs after a move are lines.
			cmd = map[rune]rune{'M': 'L', 'm': 'l'}[cmd]
		case 'L', 'l':
			cx, cy = abs(0)
			ops = append(ops, op{'L', []float32{cx, cy}})
		case 'H', 'h':
			if rel {
				cx += v[0]
			} else {
				cx = v[0]
			}
			ops = append(ops, op{'L', []float32{cx, cy}})
		case 'V', 'v':
			if rel {
				cy += v[0]
			} else {
				cy = v[0]
			}
			ops = append(ops, op{'L', []float32{cx, cy}})
		case 'C', 'c':
			x1, y1 := abs(0)
			x2, y2 := abs(2)
			x, y := abs(4)
			ops = append(ops, op{'C', []float32{x1, y1, x2, y2, x, y}})
			cx, cy = x, y
		}
	}
	return ops, nil
}

// tokenize splits path data into commands (rune) and numbers (float32):
// numbers may be separated by spaces, commas, or only by a sign or a
// second decimal point ("3-1", ".5.5").
func tokenize(d string) ([]any, error) {
	var toks []any
	for i := 0; i < len(d); {
		c := d[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r':
			i++
		case (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') && c != 'e':
			toks = append(toks, rune(c))
			i++
		default:
			j := i
			if d[j] == '-' || d[j] == '+' {
				j++
			}
			dot := false
			for j < len(d) && (d[j] >= '0' && d[j] <= '9' || d[j] == '.' && !dot) {
				dot = dot || d[j] == '.'
				j++
			}
			f, err := strconv.ParseFloat(d[i:j], 32)
			if err != nil || j == i {
				return nil, fmt.Errorf("appicon: path %q: bad number at %d", d, i)
			}
			toks = append(toks, float32(f))
			i = j
		}
	}
	return toks, nil
}

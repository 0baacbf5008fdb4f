package theme

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGlyphsInFaces checks that every character the window's source
// writes in a string (outside tests) is in each of the embedded faces:
// one that is not comes from the system's fonts, and where they lack it
// (Windows, a bare Linux) it draws as an empty box.
func TestGlyphsInFaces(t *testing.T) {
	faces := Faces()
	missing := map[rune][]string{}
	n := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		n++
		ast.Inspect(f, func(node ast.Node) bool {
			lit, ok := node.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Errorf("%s: %v", fset.Position(lit.Pos()), err)
				return true
			}
			for _, r := range s {
				if r < 0x80 {
					continue
				}
				for _, ff := range faces {
					if _, ok := ff.Face.Face().NominalGlyph(r); !ok {
						missing[r] = append(missing[r], fset.Position(lit.Pos()).String())
						break
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("read %d Go files under gui/: not the window's source?", n)
	}
	for r, at := range missing {
		t.Errorf("%q (U+%04X) is not in every embedded face (draw an icon instead): %s", r, r, strings.Join(at, ", "))
	}
}

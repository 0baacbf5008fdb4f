package config

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

// oddRunes are characters that need care in TOML or SIP.
var oddRunes = []rune("\"\\'#=[]{} \t\r\n\x00\x01\x1f\x7f\u0080\u0085\u009f\u00a0\u2028\u2029\ufeff\ufffdé日😀")

// oddString returns a random string mixing plain and odd characters,
// including runs of three quotes, which end multi-line strings.
func oddString(r *rand.Rand, n int) string {
	var b strings.Builder
	for range r.IntN(n + 1) {
		switch r.IntN(8) {
		case 0:
			b.WriteString([]string{`"""`, `'''`, `\u0041`, "\r\n", `\\`}[r.IntN(5)])
		case 1, 2, 3:
			b.WriteRune(oddRunes[r.IntN(len(oddRunes))])
		default:
			b.WriteRune(rune('!' + r.IntN('~'-'!'+1)))
		}
	}
	return b.String()
}

func TestQuoteRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := []string{"", `"`, `\`, "\x00", "\u0085", `"""`, "a\r\nb", "é😀", "\ufeff"}
	for range 2000 {
		cases = append(cases, oddString(r, 20))
	}
	for _, s := range cases {
		q := quote(s)
		if strings.ContainsAny(q, "\r\n\x00\x7f\u0085") {
			t.Errorf("quote(%q) = %s holds a raw control character", s, q)
		}
		var doc struct{ K string }
		if err := toml.Unmarshal([]byte("K = "+q+"\n"), &doc); err != nil || doc.K != s {
			t.Fatalf("quote(%q) = %s reads back as %q, %v", s, q, doc.K, err)
		}
	}
	if got := quote("a\"b\\c\n\x01é"); got != `"a\"b\\c\n\u0001é"` {
		t.Errorf("quote = %s", got)
	}
}

// Package codecs lists the codecs the phone offers. It sits apart from
// package codec because the codecs import codec for its interfaces.
package codecs

import (
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/g711"
	"github.com/softphone/softphone/core/codec/g722"
	"github.com/softphone/softphone/core/codec/opus"
)

// Default returns every codec in our order of preference: Opus, G.722,
// PCMU, PCMA.
func Default() []codec.Codec {
	return []codec.Codec{opus.New(), g722.New(), g711.PCMU(), g711.PCMA()}
}

// ByNames picks codecs by SDP name, ignoring case and spaces, in the order
// given, e.g. strings.Split("opus,g722,pcmu,pcma", ","). An unknown or
// repeated name is an error.
func ByNames(names []string) ([]codec.Codec, error) {
	all := Default()
	out := make([]codec.Codec, 0, len(names))
	for _, name := range names {
		name = strings.TrimSpace(name)
		c, ok := codec.Lookup(all, name)
		if !ok {
			return nil, fmt.Errorf("codecs: unknown codec %q, known: %s", name, known(all))
		}
		if _, dup := codec.Lookup(out, name); dup {
			return nil, fmt.Errorf("codecs: codec %q listed twice", name)
		}
		out = append(out, c)
	}
	return out, nil
}

func known(cs []codec.Codec) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = strings.ToLower(c.Info().Name)
	}
	return strings.Join(names, ", ")
}

// Package userfile keeps a file private to the user who runs the
// program: the configuration (account passwords) and the API token. On
// Unix that is mode 0600; on Windows, where mode bits mean nothing, an
// access list that names only that user (and the system itself).
package userfile

import (
	"errors"
	"fmt"
)

// ErrShared is returned by Check for a file other users may read.
var ErrShared = errors.New("userfile: others can read the file")

// SharedError says who else may read a file, and how to fix it.
type SharedError struct {
	Path string
	Who  string // "mode 0644", or the Windows accounts that may read
	Fix  string
}

func (e *SharedError) Error() string {
	return fmt.Sprintf("%s can be read by others (%s): %s", e.Path, e.Who, e.Fix)
}

// Is makes errors.Is(err, ErrShared) true.
func (e *SharedError) Is(target error) bool { return target == ErrShared }

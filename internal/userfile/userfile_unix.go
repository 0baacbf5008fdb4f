//go:build !windows

package userfile

import (
	"fmt"
	"os"
)

// Restrict makes path readable and writable by its owner only.
func Restrict(path string) error {
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("userfile: %w", err)
	}
	return nil
}

// Check returns a *SharedError when the group or others may read or
// write path.
func Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("userfile: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return &SharedError{Path: path, Who: fmt.Sprintf("mode %v", st.Mode().Perm()), Fix: "run chmod 600 on it"}
	}
	return nil
}

//go:build !windows

package config

import "os"

// replaceFile puts tmp in path's place in one step: readers see the old
// file or the new one.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

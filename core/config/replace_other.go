//go:build !windows

package config

import "os"

// replaceFile puts tmp in path's place in one step: readers see the old
// file or the new one.
func replaceFile(tmp, path string) error { return os.Rename(tmp, path) }

// readFile is os.ReadFile: a rename never disturbs a reader here.
func readFile(path string) ([]byte, error) { return os.ReadFile(path) }

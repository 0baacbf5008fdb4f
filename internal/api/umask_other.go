//go:build !unix

package api

import "io/fs"

// umask is a no-op where there are no mode bits (Windows: the socket's
// directory, in the user's profile, is private).
func umask(m int) int { return m }

// private trusts the profile directory's ACL where there are no mode
// bits.
func private(fs.FileInfo) bool { return true }

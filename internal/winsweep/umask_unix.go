//go:build unix

package main

import "syscall"

// privateFiles sets the umask of the sweep, and so of Wine, to 077.
func privateFiles() { syscall.Umask(0o077) }

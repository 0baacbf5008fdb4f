package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/softphone/softphone/internal/userfile"
)

// renameFile is replaceFile; tests replace it to simulate a crash.
var renameFile = replaceFile

// writeAtomic replaces path with data, mode 0600: a reader (or a crash)
// sees either the old content or the new, never a mix. The temporary
// file is removed on failure.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// Passwords may be in it: the owner's only (an access list naming
	// only the user on Windows), wherever the file lives.
	if err := userfile.Restrict(tmp); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := renameFile(tmp, path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory,
// and some file systems refuse to (EINVAL); the rename has happened then
// all the same.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

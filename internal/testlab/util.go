package testlab

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"text/template"
	"time"
)

func runWithTimeout(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- cmd.Wait() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-errc
		return fmt.Errorf("timed out after %v", d)
	}
}

// lookBin finds bin on PATH, or in /usr/sbin and /sbin (not on the PATH of
// non-root users on Debian).
func lookBin(bin string) (string, error) {
	if p, err := exec.LookPath(bin); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, bin)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", bin)
}

// kamailioTemplateDir finds testdata/kamailio of this module, from this
// source file's location or, failing that, upwards from the working directory.
func kamailioTemplateDir() (string, error) {
	const rel = "testdata/kamailio"
	var tried []string
	if _, file, _, ok := runtime.Caller(0); ok {
		dir := filepath.Join(filepath.Dir(file), "..", "..", rel)
		if fileExists(filepath.Join(dir, "kamailio.cfg.tmpl")) {
			return dir, nil
		}
		tried = append(tried, dir)
	}
	wd, err := os.Getwd()
	if err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dir := filepath.Join(d, rel)
			if fileExists(filepath.Join(dir, "kamailio.cfg.tmpl")) {
				return dir, nil
			}
			tried = append(tried, dir)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return "", fmt.Errorf("kamailio.cfg.tmpl not found in %s", strings.Join(tried, ", "))
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func renderTemplate(src, dst string, data any) error {
	tmpl, err := template.New(filepath.Base(src)).Option("missingkey=error").ParseFiles(src)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", src, err)
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "...\n" + s[len(s)-n:]
}

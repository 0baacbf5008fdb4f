// Command icon writes the application icon as a Windows .ico file (16 to
// 256 pixels), for the program's icon resource: `go run
// ./deploy/windows/icon OUT.ico`.
package main

import (
	"fmt"
	"os"

	"github.com/softphone/softphone/internal/appicon"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: icon OUT.ico")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}

func write(out string) error {
	ic, err := appicon.Load()
	if err != nil {
		return err
	}
	b, err := ic.ICO(16, 24, 32, 48, 64, 256)
	if err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

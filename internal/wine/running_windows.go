package wine

import (
	"sync"

	"golang.org/x/sys/windows"
)

// Running says whether this process runs under Wine: Wine's ntdll.dll
// exports wine_get_version, Windows' does not.
func Running() bool { return running() }

var running = sync.OnceValue(func() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})

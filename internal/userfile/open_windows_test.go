//go:build windows

package userfile

import (
	"testing"

	"golang.org/x/sys/windows"
)

// openUp gives Everyone (WD) read access to path.
func openUp(t *testing.T, path string) {
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;OW)(A;;FR;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
}

// skipUnderWine skips where Wine stands in for Windows: Wine 8.0 derives a
// file's access list from its Unix mode and ignores SetNamedSecurityInfo.
func skipUnderWine(t *testing.T) {
	if windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil {
		t.Skip("Wine 8.0 derives a file's access list from its Unix mode and ignores SetNamedSecurityInfo")
	}
}

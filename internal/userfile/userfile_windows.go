//go:build windows

package userfile

import (
	"fmt"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Well-known accounts that may always read a user's files: the system
// itself and the machine's administrators. Listing them is what Windows
// does for a profile's own files too.
const (
	sidSystem = "S-1-5-18"
	sidAdmins = "S-1-5-32-544"
)

// readMask is any right that lets the holder read the file's content.
const readMask = windows.FILE_READ_DATA | windows.GENERIC_READ | windows.GENERIC_ALL | windows.MAXIMUM_ALLOWED

// Restrict replaces path's access list with one that gives full control
// to the current user and to the system, and inherits nothing: a file
// saved outside the profile (a shared folder) stays private too.
func Restrict(path string) error {
	user, err := currentUser()
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + user + ")(A;;FA;;;SY)")
	if err != nil {
		return fmt.Errorf("userfile: access list: %w", err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("userfile: access list: %w", err)
	}
	err = windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		return fmt.Errorf("userfile: set the access list of %s: %w", path, err)
	}
	return nil
}

// Check returns a *SharedError when path's access list lets anyone but
// the current user, the system or the administrators read it (or has no
// list at all, which lets everyone).
func Check(path string) error {
	user, err := currentUser()
	if err != nil {
		return err
	}
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("userfile: read the access list of %s: %w", path, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("userfile: read the access list of %s: %w", path, err)
	}
	fix := "save it again with the softphone, or remove the other accounts in its Security properties"
	if dacl == nil {
		return &SharedError{Path: path, Who: "no access list: everyone", Fix: fix}
	}
	var others []string
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("userfile: read the access list of %s: %w", path, err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Mask&readMask == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart)).String()
		switch sid {
		case user, sidSystem, sidAdmins:
			continue
		}
		others = append(others, accountName(sid))
	}
	if len(others) > 0 {
		return &SharedError{Path: path, Who: strings.Join(others, ", "), Fix: fix}
	}
	return nil
}

// currentUser is the SID of the user the process runs as.
func currentUser() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("userfile: who runs this program: %w", err)
	}
	return u.User.Sid.String(), nil
}

// accountName is DOMAIN\name for a SID, or the SID itself.
func accountName(sid string) string {
	s, err := windows.StringToSid(sid)
	if err != nil {
		return sid
	}
	name, domain, _, err := s.LookupAccount("")
	if err != nil {
		return sid
	}
	if domain != "" {
		return domain + `\` + name
	}
	return name
}

// Package macos holds the macOS application bundle's pieces: the
// Info.plist template (the link schemes, the microphone and camera
// prompts), the hardened runtime's entitlements and app.sh, which builds
// Softphone.app on a Mac. Its tests check the property lists here, where
// no Mac is at hand.
package macos

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// decodePlist reads an XML property list strictly: one root value, every
// dict key followed by exactly one value, no key twice, nothing unknown.
// Dicts become map[string]any, arrays []any, strings string, true/false
// bool.
func decodePlist(r io.Reader) (any, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	root, err := nextStart(d)
	if err != nil {
		return nil, err
	}
	if root.Name.Local != "plist" || attr(root, "version") != "1.0" {
		return nil, fmt.Errorf("root element <%s version=%q>, want <plist version=\"1.0\">", root.Name.Local, attr(root, "version"))
	}
	vals, err := decodeChildren(d)
	if err != nil {
		return nil, err
	}
	if len(vals) != 1 {
		return nil, fmt.Errorf("plist holds %d values, want 1", len(vals))
	}
	if _, err := nextStart(d); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("content after </plist>: %v", err)
	}
	return vals[0], nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func nextStart(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return xml.StartElement{}, fmt.Errorf("stray text %q", t)
			}
		}
	}
}

// decodeChildren reads values up to the end of the enclosing element;
// keys come back as plistKey.
func decodeChildren(d *xml.Decoder) ([]any, error) {
	var vals []any
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return vals, nil
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("stray text %q", t)
			}
		case xml.StartElement:
			v, err := decodeValue(d, t)
			if err != nil {
				return nil, err
			}
			vals = append(vals, v)
		}
	}
}

type plistKey string

func decodeValue(d *xml.Decoder, start xml.StartElement) (any, error) {
	switch start.Name.Local {
	case "string", "key":
		var s string
		if err := d.DecodeElement(&s, &start); err != nil {
			return nil, err
		}
		if start.Name.Local == "key" {
			return plistKey(s), nil
		}
		return s, nil
	case "true", "false":
		if kids, err := decodeChildren(d); err != nil || len(kids) != 0 {
			return nil, fmt.Errorf("<%s> is not empty: %v", start.Name.Local, err)
		}
		return start.Name.Local == "true", nil
	case "array":
		kids, err := decodeChildren(d)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			if _, ok := k.(plistKey); ok {
				return nil, fmt.Errorf("<key>%s</key> inside an array", k)
			}
		}
		return kids, nil
	case "dict":
		kids, err := decodeChildren(d)
		if err != nil {
			return nil, err
		}
		m := map[string]any{}
		for i := 0; i < len(kids); i += 2 {
			k, ok := kids[i].(plistKey)
			if !ok || i+1 == len(kids) {
				return nil, fmt.Errorf("dict entry %d: want <key> then one value", i/2)
			}
			if _, isKey := kids[i+1].(plistKey); isKey {
				return nil, fmt.Errorf("dict key %q has no value", k)
			}
			if _, dup := m[string(k)]; dup {
				return nil, fmt.Errorf("dict key %q twice", k)
			}
			m[string(k)] = kids[i+1]
		}
		return m, nil
	}
	return nil, fmt.Errorf("unexpected element <%s>", start.Name.Local)
}

func decodeFile(t *testing.T, p string) map[string]any {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := decodePlist(f)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s: root value is %T, want a dict", p, v)
	}
	return m
}

func TestDecodePlistRejectsMalformedLists(t *testing.T) {
	for _, bad := range []string{
		`<plist version="1.0"><dict><key>a</key></dict></plist>`,
		`<plist version="1.0"><dict><key>a</key><true/><key>a</key><false/></dict></plist>`,
		`<plist version="1.0"><dict><key>a</key><string>x</string></plist>`,
		`<plist version="1.0"><dict/><dict/></plist>`,
		`<plist version="1.0"><array><key>a</key></array></plist>`,
		`<plist><dict/></plist>`,
		`<plist version="1.0"><dict><key>a</key><integer>1</integer></dict></plist>`,
	} {
		if _, err := decodePlist(strings.NewReader(bad)); err == nil {
			t.Errorf("decodePlist accepted %s", bad)
		}
	}
}

// infoPlist is the template as app.sh fills it in.
func infoPlist(t *testing.T) string {
	if runtime.GOOS == "windows" {
		t.Skip("app.sh is a shell script of the Mac build; Windows has no shell to run it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "./app.sh", "plist", "1.2.3", "com.example.softphone").Output()
	if err != nil {
		t.Fatalf("app.sh plist: %v", err)
	}
	p := filepath.Join(t.TempDir(), "Info.plist")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInfoPlistDeclaresTheAppAndItsLinks(t *testing.T) {
	p := infoPlist(t)
	m := decodeFile(t, p)
	for k, want := range map[string]any{
		"CFBundleExecutable":         "softphone",
		"CFBundlePackageType":        "APPL",
		"CFBundleIdentifier":         "com.example.softphone",
		"CFBundleShortVersionString": "1.2.3",
		"CFBundleVersion":            "1.2.3",
		"LSUIElement":                false,
	} {
		if got := m[k]; got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	for _, k := range []string{"NSMicrophoneUsageDescription", "NSCameraUsageDescription"} {
		if s, _ := m[k].(string); strings.TrimSpace(s) == "" {
			t.Errorf("%s = %#v, want the sentence macOS shows when it asks", k, m[k])
		}
	}
	var schemes []string
	types, _ := m["CFBundleURLTypes"].([]any)
	for _, ty := range types {
		d, _ := ty.(map[string]any)
		list, _ := d["CFBundleURLSchemes"].([]any)
		for _, s := range list {
			str, _ := s.(string)
			schemes = append(schemes, str)
		}
	}
	slices.Sort(schemes)
	if want := []string{"callto", "sip", "sips", "tel"}; !slices.Equal(schemes, want) {
		t.Errorf("CFBundleURLSchemes %q, want %q", schemes, want)
	}
	if raw := string(mustRead(t, p)); strings.Contains(raw, "@") {
		t.Errorf("a placeholder is left in the filled Info.plist:\n%s", raw)
	}
}

func TestEntitlementsAllowMicrophoneAndCamera(t *testing.T) {
	m := decodeFile(t, "entitlements.plist")
	want := map[string]any{"com.apple.security.device.audio-input": true, "com.apple.security.device.camera": true}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("entitlements %v, want %v", m, want)
	}
}

// TestPlistutilReadsTheListsAlike converts each list to Apple's binary
// form and back with libplist, and checks nothing changed on the way.
func TestPlistutilReadsTheListsAlike(t *testing.T) {
	testlab.Require(t, "plistutil", "libplist-utils")
	for _, p := range []string{infoPlist(t), "entitlements.plist"} {
		dir := t.TempDir()
		bin, back := filepath.Join(dir, "bin.plist"), filepath.Join(dir, "back.plist")
		for _, args := range [][]string{{"-i", p, "-o", bin, "-f", "bin"}, {"-i", bin, "-o", back, "-f", "xml"}} {
			// plistutil reports a failed conversion on stderr only.
			out, err := exec.Command("plistutil", args...).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Fatalf("plistutil %s: %v %s", strings.Join(args, " "), err, out)
			}
		}
		if b := mustRead(t, bin); !strings.HasPrefix(string(b), "bplist00") {
			t.Errorf("plistutil made no binary plist of %s", p)
		}
		if got, want := decodeFile(t, back), decodeFile(t, p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s through libplist:\n%v\nwant\n%v", p, got, want)
		}
	}
}

func TestMakeMacosRefusesOffAMac(t *testing.T) {
	if runtime.GOOS == "darwin" {
		t.Skip("on a Mac, make macos builds")
	}
	testlab.Require(t, "make", "make")
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "--no-print-directory", "macos", "MAC_DIR="+out)
	cmd.Dir = filepath.Join("..", "..")
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "built on a Mac") {
		t.Errorf("make macos off a Mac: %v\n%s\nwant a failure that says it is built on a Mac", err, msg)
	}
	if left, _ := os.ReadDir(out); len(left) != 0 {
		t.Errorf("make macos off a Mac wrote %v", left)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

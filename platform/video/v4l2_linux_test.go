package video

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// There is no camera on the test machines: what can be checked is that
// nodes which are not capture devices are left out.
func TestCamerasNoneFound(t *testing.T) {
	dir := t.TempDir()
	if got := cameraDevicesIn(context.Background(), dir); len(got) != 0 {
		t.Fatalf("empty dir: %+v", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "video0"), []byte("not a device"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/null", filepath.Join(dir, "video1")); err != nil {
		t.Fatal(err)
	}
	if got := cameraDevicesIn(context.Background(), dir); len(got) != 0 {
		t.Fatalf("file and /dev/null listed as cameras: %+v", got)
	}
}

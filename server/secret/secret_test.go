package secret

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "secret")
	s1, err := LoadOrCreate(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	s2, err := LoadOrCreate(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s1.Derive("a"), s2.Derive("a")) {
		t.Errorf("reloaded secret derives a different key")
	}
	if bytes.Equal(s1.Derive("a"), s1.Derive("b")) {
		t.Errorf("Derive(a) == Derive(b)")
	}
	os.WriteFile(p, []byte("short"), 0o600)
	if _, err := LoadOrCreate(p, nil); err == nil {
		t.Errorf("LoadOrCreate accepted a short secret")
	}
}

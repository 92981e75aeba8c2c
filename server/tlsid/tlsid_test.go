package tlsid

import (
	"crypto/ecdsa"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	cp, kp := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	c1, err := LoadOrCreate(cp, kp, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c1.PrivateKey.(*ecdsa.PrivateKey); !ok {
		t.Errorf("key is %T, want ECDSA", c1.PrivateKey)
	}
	for _, p := range []string{cp, kp} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, %v; want 0600", p, fi.Mode().Perm(), err)
		}
	}
	c2, err := LoadOrCreate(cp, kp, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f1, f2 := Fingerprint(c1.Certificate[0]), Fingerprint(c2.Certificate[0])
	if f1 != f2 {
		t.Errorf("fingerprint changed on reload: %s != %s", f1, f2)
	}
	ff, err := FingerprintFile(cp)
	if err != nil || ff != f1 {
		t.Errorf("FingerprintFile = %s, %v; want %s", ff, err, f1)
	}
	if len(f1) != len("sha256:")+64 {
		t.Errorf("fingerprint %q has the wrong length", f1)
	}
	// Only one of the two files present is an error, not a silent new key.
	os.Remove(cp)
	if _, err := LoadOrCreate(cp, kp, time.Now()); err == nil {
		t.Errorf("LoadOrCreate with the certificate missing succeeded")
	}
}

package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/server/tlsid"
	"cipherleaf.dev/shared/childproc"
)

// TestE2EOwnCertificate serves with --tls-cert/--tls-key: the printed
// fingerprint is that certificate's, and no self-signed one is made.
func TestE2EOwnCertificate(t *testing.T) {
	dir := t.TempDir()
	c, k, err := tlsid.Generate(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cp, kp := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	os.WriteFile(cp, c, 0o600)
	os.WriteFile(kp, k, 0o600)
	want, err := tlsid.FingerprintFile(cp)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	d := start(t, data, "--tls-cert", cp, "--tls-key", kp)
	if d.fingerprint != want {
		t.Errorf("fingerprint %s, want the given certificate's %s", d.fingerprint, want)
	}
	if _, err := os.Stat(filepath.Join(data, "tls-cert.pem")); err == nil {
		t.Errorf("a self-signed certificate was created although one was given")
	}
}

// TestE2EInsecureHTTP: plain HTTP only when asked, and then no fingerprint.
func TestE2EInsecureHTTP(t *testing.T) {
	cmd := exec.Command(binary, "serve", "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0", "--insecure-http", "--bcrypt-cost", "4")
	childproc.DieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		t.Fatal("no output")
	}
	line := sc.Text()
	base, ok := strings.CutPrefix(line, "listening on http://")
	if !ok {
		t.Fatalf("first line %q, want listening on http://", line)
	}
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get("http://" + base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("healthz = %d", resp.StatusCode)
			}
			break
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("healthz: %v", err)
		}
	}
}

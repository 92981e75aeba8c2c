package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoCryptoboxImport fails if any package of the server module depends,
// directly or not, on the client-side crypto package: the server holds no
// keys and must not be able to open what it stores.
func TestNoCryptoboxImport(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "cipherleaf.dev/server/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), "cipherleaf.dev/server/httpapi") {
		t.Fatalf("go list gave an implausible dependency list:\n%s", out)
	}
	for _, p := range deps {
		if p == "cipherleaf.dev/shared/cryptobox" || strings.HasPrefix(p, "cipherleaf.dev/shared/cryptobox/") {
			t.Errorf("the server module depends on %s", p)
		}
	}
}

package ui

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoAppOrBackendImports keeps the package headless-testable and thin:
// no fyne app (only cmd/cipherleaf creates it) and no crypto, SQL or HTTP
// of its own — everything goes through Core.
func TestNoAppOrBackendImports(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goBin, "list", "-f", `{{join .Imports "\n"}}`, ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	forbidden := []string{
		"fyne.io/fyne/v2/app",
		"net/http",
		"database/sql",
		"crypto/",
		"golang.org/x/crypto",
		"cipherleaf.dev/shared/cryptobox",
		"cipherleaf.dev/client/vault",
		"cipherleaf.dev/client/apiclient",
		"cipherleaf.dev/client/syncer",
		"cipherleaf.dev/client/keystore",
	}
	for _, imp := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if imp == f || (strings.HasSuffix(f, "/") && strings.HasPrefix(imp, f)) {
				t.Errorf("package ui imports %s", imp)
			}
		}
	}
	deps, err := exec.Command(goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, d := range strings.Fields(string(deps)) {
		if d == "fyne.io/fyne/v2/app" {
			t.Errorf("package ui depends on fyne.io/fyne/v2/app")
		}
	}
}

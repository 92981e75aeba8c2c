package core_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports enforces the house rules: the client core uses no GUI toolkit
// and no cryptography except package cryptobox.
func TestImports(t *testing.T) {
	forbidden := []string{"fyne.io/", "golang.org/x/crypto", "crypto/cipher", "crypto/aes", "crypto/hkdf", "crypto/hmac"}
	for _, dir := range []string{".", "../vault", "../syncer", "../keystore", "../backup"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, bad := range forbidden {
					if strings.HasPrefix(path, bad) {
						t.Errorf("%s imports %s", f, path)
					}
				}
			}
		}
	}
}

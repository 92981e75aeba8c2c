package protocol

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoCrypto enforces that the wire types and the note payload hold no
// cryptography: keys and blobs are opaque bytes to them (SPEC §7, house
// rule 4). Only package cryptobox composes primitives.
func TestNoCrypto(t *testing.T) {
	for _, dir := range []string{".", "../note"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(path, "crypto") || strings.HasPrefix(path, "golang.org/x/crypto") || strings.HasSuffix(path, "/cryptobox") {
					t.Errorf("%s imports %q; only package cryptobox may", file, path)
				}
			}
		}
	}
}

package ui

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"github.com/zalando/go-keyring"

	"cipherleaf.dev/client/internal/testserver"
)

// serverBin is the cipherleafd binary for the end-to-end tests, built once
// ("" under -short, which skips them).
var serverBin string

func TestMain(m *testing.M) {
	flag.Parse()
	keyring.MockInit() // "remember this device" never touches the real keyring
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if !testing.Short() {
		dir, err := os.MkdirTemp("", "cipherleafd-bin")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if serverBin, err = testserver.Build(dir); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return m.Run()
}

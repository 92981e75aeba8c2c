package ui

import (
	"flag"
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
	os.Exit(testserver.RunTests(m, &serverBin))
}

package cli

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// TestEndToEndAttachments drives attach, attachments, get and detach
// through the CLI on two devices against the real server.
func TestEndToEndAttachments(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs cipherleafd")
	}
	keyring.MockInit()
	url, fp := startServer(t)
	a, b := newDevice(t, "a", "pw"), newDevice(t, "b", "pw")
	acct := []string{"--server", url, "--user", "fileowner", "--pin", fp}
	a.ok("", append([]string{"register"}, acct...)...)
	id := strings.TrimSpace(a.ok("see attachment\n", "new", "--title", "with a file"))

	data := make([]byte, 100000)
	rand.Read(data)
	file := filepath.Join(t.TempDir(), "report\tQ3.pdf")
	os.WriteFile(file, data, 0o600)
	attID := strings.TrimSpace(a.ok("", "attach", id, file))
	if len(attID) != 36 {
		t.Fatalf("attach printed %q, want the attachment id alone", attID)
	}
	if got, want := a.ok("", "attachments", id), fmt.Sprintf("%s\treport Q3.pdf\t100000\n", attID); got != want {
		t.Fatalf("attachments = %q, want %q", got, want)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(empty, nil, 0o600)
	a.fails("empty", "attach", id, empty)

	a.ok("", "sync")
	b.ok("", append([]string{"login"}, acct...)...)
	out := filepath.Join(t.TempDir(), "got.pdf")
	b.ok("", "get", id, attID, "--out", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Fatal("get wrote other bytes than were attached")
	}
	b.fails("--out", "get", id, attID)
	b.fails("no such attachment", "get", id, id, "--out", out)

	b.ok("", "detach", id, attID)
	b.ok("", "sync")
	a.ok("", "sync")
	if got := a.ok("", "attachments", id); got != "" {
		t.Fatalf("attachments after detach on B = %q, want none", got)
	}
}

package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/childproc"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"github.com/zalando/go-keyring"
)

// buildCLI compiles cipherleaf-cli into a temporary folder.
func buildCLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "cipherleaf-cli")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/cipherleaf-cli").CombinedOutput()
	if err != nil {
		t.Fatalf("build cipherleaf-cli: %v\n%s", err, out)
	}
	return bin
}

// TestSignalDuringSync: SIGINT or SIGTERM while `cipherleaf-cli sync` waits
// on a server that accepted the connection and never answers. The command
// exits within 2 s, and the vault is consistent: the note written before
// is there, still pending, and the next command opens the profile.
func TestSignalDuringSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and runs cipherleafd")
	}
	keyring.MockInit()
	bin := buildCLI(t)
	url, fp := startServer(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.InsecureTestPolicy,
				NewParams: floorParams, Keyring: keystore.None{}, DeviceName: "signal"}) // the cipherleaf-cli child has no mock keyring: tokens in the vault
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if _, err := c.Register(ctx, core.RegisterInput{ServerURL: url, Pin: fp, Username: "sig" + strings.ToLower(sig.String()[3:]), Password: []byte("pw")}); err != nil {
				t.Fatalf("Register: %v", err)
			}
			if _, err := c.Create(&note.Note{Title: "kept", Body: "typed before the signal"}); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			hole, accepted := testserver.BlackHole(t)
			v, err := vault.Open(ctx, filepath.Join(dir, vault.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if err := v.UpdateAccount(ctx, func(a *vault.Account) error { a.ServerURL = "https://" + hole; return nil }); err != nil {
				t.Fatal(err)
			}
			v.Close()

			cmd := exec.Command(bin, "--profile", dir, "sync")
			cmd.Env = append(os.Environ(), EnvPassword+"=pw")
			childproc.DieWithParent(cmd)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-accepted:
			case err := <-exited:
				t.Fatalf("sync ended before reaching the server: %v\n%s", err, stderr.String())
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("sync never connected to the server")
			}
			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				took := time.Since(sent)
				t.Logf("%v: exited %v after %v: %s", sig, err, took, strings.TrimSpace(stderr.String()))
				if took > 2*time.Second {
					t.Errorf("exit took %v after %v, want at most 2s", took, sig)
				}
				if err == nil {
					t.Errorf("interrupted sync exited 0")
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("cipherleaf-cli still running 10 s after %v", sig)
			}

			list := exec.Command(bin, "--profile", dir, "list")
			list.Env = cmd.Env
			out, err := list.CombinedOutput()
			if err != nil {
				t.Fatalf("list after the signal: %v\n%s", err, out)
			}
			if !strings.Contains(string(out), "kept") {
				t.Errorf("list after the signal = %q, want the note written before", out)
			}
		})
	}
}

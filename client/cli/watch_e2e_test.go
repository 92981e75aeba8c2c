package cli

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/keystore"
	"cipherleaf.dev/shared/childproc"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
)

// TestWatchE2E runs the real cipherleaf-cli binary's `watch` against the
// real cipherleafd: another device's new note and its rename each print
// one ID<TAB>TITLE line (after the pull: the title is decrypted), and
// SIGINT or SIGTERM ends the command within 2 s with status 0.
func TestWatchE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries and runs cipherleafd")
	}
	bin := buildCLI(t)
	url, fp := startServer(t)
	ctx := context.Background()
	open := func(dir, name string) *core.Core {
		c, err := core.Open(core.Config{ProfileDir: dir, Policy: cryptobox.InsecureTestPolicy,
			NewParams: floorParams, Keyring: keystore.None{}, DeviceName: name}) // the child has no mock keyring: tokens in the vault
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	wdir := t.TempDir()
	w := open(wdir, "watcher")
	if _, err := w.Register(ctx, core.RegisterInput{ServerURL: url, Pin: fp, Username: "watcher", Password: []byte("pw")}); err != nil {
		t.Fatalf("Register: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a := open(t.TempDir(), "writer")
	defer a.Close()
	if err := a.Login(ctx, core.LoginInput{ServerURL: url, Pin: fp, Username: "watcher", Password: []byte("pw")}); err != nil {
		t.Fatalf("Login: %v", err)
	}

	id := ""
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "--profile", wdir, "watch")
			cmd.Env = append(os.Environ(), EnvPassword+"=pw")
			childproc.DieWithParent(cmd)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := make(chan string, 16)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			defer func() {
				if cmd.ProcessState == nil {
					cmd.Process.Kill()
				}
			}()
			expect := func(want string) {
				t.Helper()
				select {
				case l, ok := <-lines:
					if !ok || l != want {
						t.Fatalf("watch printed %q (open %v), want %q; stderr: %s", l, ok, want, stderr.String())
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("watch printed nothing within 30 s, want %q; stderr: %s", want, stderr.String())
				}
			}
			title := []string{"first", "renamed"}[i]
			if id == "" {
				if id, err = a.Create(&note.Note{Title: title, Body: "b"}); err != nil {
					t.Fatal(err)
				}
			} else if err := a.Update(id, &note.Note{Title: title, Body: "b"}); err != nil {
				t.Fatal(err)
			}
			if _, err := a.Sync(ctx); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			expect(id + "\t" + title)

			sent := time.Now()
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-exited:
				if took := time.Since(sent); took > 2*time.Second {
					t.Errorf("exit took %v after %v, want at most 2 s", took, sig)
				}
				if err != nil {
					t.Errorf("watch exited %v after %v, want 0; stderr: %s", err, sig, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("watch still running 10 s after %v", sig)
			}
		})
	}
}

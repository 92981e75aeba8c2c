//go:build linux

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cipherleaf.dev/client/internal/profilelock"
	"cipherleaf.dev/client/internal/testserver"
	"cipherleaf.dev/client/vault"
)

// runSecond runs the app binary on dir and returns its exit error and
// output; it must end by itself.
func runSecond(t *testing.T, bin, display, dir string) (error, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--profile", dir)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "DISPLAY=" + display,
		"TMPDIR=" + os.TempDir(), "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the second app did not exit by itself:\n%s", out)
	}
	return err, string(out)
}

// TestAppOnePerProfile: a second app on a profile an app has open says so
// and exits non-zero without opening the vault; once the first is killed
// (kill -9: nothing of it runs), the profile opens again.
func TestAppOnePerProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and runs it under Xvfb against cipherleafd")
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to drive the app (make setup installs it): %v", tool, err)
		}
	}
	bin := buildApp(t)
	display := startXvfb(t)

	wantRefused := func(t *testing.T, err error, out string) {
		t.Helper()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 {
			t.Fatalf("second app: exit %v, want a non-zero status\n%s", err, out)
		}
		if !strings.Contains(out, alreadyOpen) {
			t.Fatalf("second app said %q, want %q", out, alreadyOpen)
		}
	}

	t.Run("vault untouched", func(t *testing.T) {
		dir := t.TempDir()
		l, err := profilelock.TryLock(filepath.Join(dir, profilelock.FileName))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Unlock()
		err, out := runSecond(t, bin, "", dir) // no screen: the words on stderr only
		wantRefused(t, err, out)
		if _, err := os.Stat(filepath.Join(dir, vault.FileName)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the refused app made %s: %v", vault.FileName, err)
		}
	})

	t.Run("second window, then the first killed", func(t *testing.T) {
		srv := testserver.Start(t, serverBin, "--bcrypt-cost", "4")
		dir := newProfile(t, srv, "one")
		first := startApp(t, bin, display, dir)
		first.waitTitle("Locked — Cipherleaf")

		// With a screen the words show in a window too; Return closes it.
		second := startApp(t, bin, display, dir)
		wid := ""
		deadline := time.Now().Add(30 * time.Second)
		for wid == "" {
			cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", alreadyOpenTitle)
			cmd.Env = second.cmd.Env
			if out, err := cmd.Output(); err == nil {
				wid = strings.Fields(string(out))[0]
				break
			}
			select {
			case <-second.exited:
				t.Fatalf("the second app exited (%v) without its window\n%s", second.err, second.stderr())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("no %q window within 30 s\n%s", alreadyOpenTitle, second.stderr())
			}
			time.Sleep(20 * time.Millisecond) // polling: xdotool cannot wait for a window of a name
		}
		second.xdotool("windowfocus", "--sync", wid)
		second.xdotool("key", "--window", wid, "Return")
		select {
		case <-second.exited:
		case <-time.After(30 * time.Second):
			t.Fatalf("the second app did not end after Return\n%s", second.stderr())
		}
		wantRefused(t, second.err, second.stderr())
		select {
		case <-first.exited:
			t.Fatalf("the first app exited (%v)\n%s", first.err, first.stderr())
		default:
		}

		if err := first.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		<-first.exited
		again := startApp(t, bin, display, dir)
		again.waitTitle("Locked — Cipherleaf")
	})
}

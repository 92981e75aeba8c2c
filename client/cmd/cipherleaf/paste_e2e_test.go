//go:build linux

package main

import (
	"bytes"
	"crypto/rand"
	"image"
	"image/png"
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
	"cipherleaf.dev/shared/note"
)

// TestAppPastesImage: in the real app on a virtual screen, an image that
// another program (xclip) offers on the clipboard is pasted into a new
// note with Ctrl+V, large enough to come over X11 in pieces (INCR). The
// note then holds the attachment, byte for byte, and its reference.
func TestAppPastesImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the app and runs it under Xvfb against cipherleafd")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed to drive the app (make setup installs it): %v", tool, err)
		}
	}
	bin := buildApp(t)
	display := startXvfb(t)
	srv := testserver.Start(t, serverBin, "--bcrypt-cost", "4")
	dir := newProfile(t, srv, "paste")
	a := startApp(t, bin, display, dir)
	a.waitTitle("Locked — Cipherleaf")
	a.unlock()
	a.xdotool("key", "ctrl+n")
	a.waitTitle("Untitled — Cipherleaf")
	a.typeTitle("Pasted")
	a.xdotool("key", "Return") // on to the body

	// Random pixels do not compress: about 1.9 MB, sent in pieces.
	img := image.NewNRGBA(image.Rect(0, 0, 700, 700))
	rand.Read(img.Pix)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	pic := buf.Bytes()
	f := filepath.Join(t.TempDir(), "shot.png")
	if err := os.WriteFile(f, pic, 0o600); err != nil {
		t.Fatal(err)
	}
	xclip := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-t", "image/png", "-i", f)
	xclip.Env = a.cmd.Env
	xclip.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := xclip.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { xclip.Process.Kill(); xclip.Wait() })
	// xclip owns the clipboard once xdotool's view of it says so.
	waitClipboardTarget(t, a.cmd.Env, "image/png")

	a.xdotool("key", "ctrl+v")
	// The attachment is sealed in the background and the reference
	// autosaved; the vault says when, read beside the running app.
	var n *note.Note
	var id string
	deadline := time.Now().Add(60 * time.Second)
	for {
		id, n = readNote(t, dir, "Pasted")
		if n != nil && len(n.Attachments) == 1 && strings.Contains(n.Body, "attachment:"+n.Attachments[0].ID) {
			break
		}
		if time.Now().After(deadline) {
			body := ""
			if n != nil {
				body = n.Body[:min(len(n.Body), 48)]
			}
			t.Fatalf("no pasted attachment in the note after 60 s: body %q…, %+v\napp output:\n%s", body, n.Attachments, a.stderr())
		}
		time.Sleep(200 * time.Millisecond) // polling the vault, bounded by the deadline
	}
	att := n.Attachments[0]
	if !strings.HasPrefix(att.Name, "pasted-image-") || !strings.HasSuffix(att.Name, ".png") || att.Size != int64(len(pic)) {
		t.Errorf("attachment %q of %d bytes, want pasted-image-….png of %d", att.Name, att.Size, len(pic))
	}
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-a.exited

	c, err := core.Open(core.Config{ProfileDir: dir, Keyring: keystore.None{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Unlock([]byte(appPassword)); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := c.CachedAttachment(id, att.ID, &got); err != nil || !bytes.Equal(got.Bytes(), pic) {
		t.Errorf("the attachment's content: %d bytes, %v; want the %d bytes xclip offered", got.Len(), err, len(pic))
	}
}

// readNote reads the note titled title, and its id, from the profile
// while the app runs (nil when there is none yet).
func readNote(t *testing.T, dir, title string) (string, *note.Note) {
	t.Helper()
	c, err := core.Open(core.Config{ProfileDir: dir, Keyring: keystore.None{}})
	if err != nil {
		t.Fatalf("open the profile beside the app: %v", err)
	}
	defer c.Close()
	if err := c.Unlock([]byte(appPassword)); err != nil {
		t.Fatalf("unlock beside the app: %v", err)
	}
	for _, info := range c.List() {
		if n, err := c.Get(info.ID); err == nil && n.Title == title {
			return info.ID, n
		}
	}
	return "", nil
}

// waitClipboardTarget waits until the clipboard's owner offers target.
func waitClipboardTarget(t *testing.T, env []string, target string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		cmd := exec.Command("xclip", "-o", "-selection", "clipboard", "-t", "TARGETS")
		cmd.Env = env
		out, _ := cmd.Output()
		if strings.Contains(string(out), target) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the clipboard never offered %s: %q", target, out)
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by the deadline
	}
}

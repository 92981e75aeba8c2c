package core_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

func TestPasswordChangeAndRecovery(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "frank", "old-pw")
	id := create(t, a, "t", "secret body")
	mustSync(t, a)
	bdir := t.TempDir()
	b := device(t, srv, bdir)
	login(t, b, srv, "frank", "old-pw")

	ctx := context.Background()
	if err := a.ChangePassword(ctx, []byte("nope"), []byte("new-pw")); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("ChangePassword(wrong old) = %v, want ErrWrongPassword", err)
	}
	if err := a.ChangePassword(ctx, []byte("old-pw"), []byte("new-pw")); err != nil {
		t.Fatal(err)
	}
	// A keeps working and unlocks with the new password only.
	a.Lock()
	if err := a.Unlock([]byte("old-pw")); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("Unlock(old) = %v, want ErrWrongPassword", err)
	}
	if err := a.Unlock([]byte("new-pw")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a)

	// B was signed out and must log in again with the new password.
	if _, err := b.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("B Sync after password change = %v, want ErrSessionExpired", err)
	}
	if err := b.Login(ctx, core.LoginInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: "frank", Password: []byte("old-pw")}); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("B Login(old) = %v, want ErrWrongPassword", err)
	}
	login(t, b, srv, "frank", "new-pw")
	if n, err := b.Get(id); err != nil || n.Body != "secret body" {
		t.Fatalf("B Get = %v, %v", n, err)
	}

	// The recovery key still works, on a fresh device.
	c := device(t, srv, t.TempDir())
	if err := c.Recover(ctx, core.RecoverInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: "frank", RecoveryKey: strings.ToLower(rk), NewPassword: []byte("third-pw")}); err != nil {
		t.Fatalf("Recover: %v", err)
	}
	if n, err := c.Get(id); err != nil || n.Body != "secret body" {
		t.Fatalf("C Get after recover = %v, %v", n, err)
	}
	bad := []byte(rk)
	bad[0] ^= 1
	d := device(t, srv, t.TempDir())
	if err := d.Recover(ctx, core.RecoverInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: "frank", RecoveryKey: string(bad), NewPassword: []byte("x")}); err == nil {
		t.Fatal("Recover with a mistyped key succeeded")
	}
}

func TestRotateKey(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "gina", "pw")
	for i := range 5 {
		create(t, a, "n"+string(rune('a'+i)), "body")
	}
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "gina", "pw")
	ctx := context.Background()
	if err := a.RotateKey(ctx); err != nil {
		t.Fatal(err)
	}
	// RotateKey uploads the re-sealed notes itself (SPEC §3.1 L3).
	if rep := mustSync(t, a); rep.Pushed != 0 {
		t.Errorf("a sync after RotateKey pushed %d notes, want 0 (RotateKey uploads them)", rep.Pushed)
	}
	for _, id := range idsOf(a) {
		_, blob, _, _ := srv.Note("gina", id)
		if blob[4] != 2 {
			t.Errorf("note %s on server under generation %d, want 2", id, blob[4])
		}
	}
	// B learns the new key from the successor and keeps working.
	mustSync(t, b)
	create(t, b, "after", "rotation")
	mustSync(t, b)
	mustSync(t, a)
	if len(a.List()) != 6 {
		t.Errorf("a has %d notes, want 6", len(a.List()))
	}
	// A new device logs in with the password (bundle re-wrapped).
	c := device(t, srv, t.TempDir())
	login(t, c, srv, "gina", "pw")
	if len(c.List()) != 6 {
		t.Errorf("new device has %d notes, want 6", len(c.List()))
	}
	// Recovery after rotation adopts the successor.
	d := device(t, srv, t.TempDir())
	if err := d.Recover(ctx, core.RecoverInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: "gina", RecoveryKey: rk, NewPassword: []byte("pw2")}); err != nil {
		t.Fatalf("Recover after rotation: %v", err)
	}
	if len(d.List()) != 6 {
		t.Errorf("recovered device has %d notes, want 6", len(d.List()))
	}
}

func idsOf(c *core.Core) []string {
	var out []string
	for _, ni := range c.List() {
		out = append(out, ni.ID)
	}
	return out
}

func TestSessionsLogoutDelete(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "hank", "pw")
	bdir := t.TempDir()
	b := device(t, srv, bdir)
	login(t, b, srv, "hank", "pw")
	ctx := context.Background()
	ss, err := a.Sessions(ctx)
	if err != nil || len(ss) != 2 {
		t.Fatalf("Sessions = %v, %v; want 2", ss, err)
	}
	if err := a.RevokeOtherSessions(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err = b.Sync(ctx); !errors.Is(err, core.ErrSessionExpired) {
		t.Fatalf("revoked B Sync = %v, want ErrSessionExpired", err)
	}
	if w := core.Words(err); !strings.Contains(w, "Sign in again") {
		t.Errorf("Words = %q", w)
	}
	if err := b.RememberDevice(true); err != nil {
		t.Fatal(err)
	}
	if err := b.Logout(ctx); err != nil {
		t.Fatalf("Logout of a revoked session: %v", err)
	}
	if b.HasAccount() {
		t.Error("HasAccount after Logout")
	}
	if _, err := os.Stat(filepath.Join(bdir, "vault.db-wal")); err == nil {
		if data, _ := os.ReadFile(filepath.Join(bdir, "vault.db")); bytes.Contains(data, []byte("hank")) {
			t.Error("vault still names the account after Logout")
		}
	}
	if err := a.DeleteAccount(ctx, []byte("bad")); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("DeleteAccount(bad) = %v, want ErrWrongPassword", err)
	}
	if err := a.DeleteAccount(ctx, []byte("pw")); err != nil {
		t.Fatal(err)
	}
	if a.HasAccount() {
		t.Error("HasAccount after DeleteAccount")
	}
	c := device(t, srv, t.TempDir())
	if err := c.Login(ctx, core.LoginInput{ServerURL: testURL, Pin: srv.Fingerprint, Username: "hank", Password: []byte("pw")}); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("Login to a deleted account = %v, want ErrWrongPassword", err)
	}
}

func TestCertificateChanged(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "ivy", "pw")
	create(t, a, "t", "b")
	srv.Fingerprint = "sha256:" + strings.Repeat("ab", 32)
	_, err := a.Sync(context.Background())
	if !errors.Is(err, core.ErrCertificateChanged) {
		t.Fatalf("Sync = %v, want ErrCertificateChanged", err)
	}
	if w := core.Words(err); !strings.Contains(w, "certificate has changed") {
		t.Errorf("Words = %q", w)
	}
	if len(a.List()) != 1 || a.Status().Pending != 1 {
		t.Errorf("vault changed: %d notes, status %+v", len(a.List()), a.Status())
	}
}

func TestExportImport(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "jane", "pw")
	create(t, a, "one", "first body")
	if _, err := a.Create(&note.Note{Title: "two", Body: "second", Tags: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.clb")
	if err := a.ExportEncrypted(path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("first body")) {
		t.Fatal("backup holds plaintext")
	}
	b := device(t, srv, t.TempDir())
	register(t, b, srv, "kate", "pw2")
	tests := []struct {
		name   string
		secret string
		data   func([]byte) []byte
		want   int
		err    error
	}{
		{"wrong password", "bad", nil, 0, core.ErrWrongPassword},
		{"password", "pw", nil, 2, nil},
		{"again adds nothing", "pw", nil, 0, nil},
		{"recovery key", rk, nil, 0, nil},
		{"not a backup", "pw", func([]byte) []byte { return []byte("hello\n{}") }, 0, core.ErrBadBackup},
		{"newer version", "pw", func(d []byte) []byte { return bytes.Replace(d, []byte("BACKUP 2"), []byte("BACKUP 3"), 1) }, 0, core.ErrNewerBackup},
		{"note dropped", "pw", dropNote, 0, core.ErrTampered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := path
			if tc.data != nil {
				p = filepath.Join(t.TempDir(), "x")
				os.WriteFile(p, tc.data(raw), 0o600)
			}
			n, err := b.Import(p, []byte(tc.secret))
			if n != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("Import = %d, %v; want %d, %v", n, err, tc.want, tc.err)
			}
		})
	}
	if got := bodies(t, b); got["one"] != "first body" || got["two"] != "second" {
		t.Errorf("imported = %v", got)
	}
	md := t.TempDir()
	if err := b.ExportMarkdown(md); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(md, "*.md"))
	if len(files) != 2 {
		t.Fatalf("markdown files = %v, want 2", files)
	}
	content, _ := os.ReadFile(files[0])
	if !bytes.HasPrefix(content, []byte("---\nid: ")) {
		t.Errorf("markdown front matter = %q", content)
	}
}

// dropNote removes the first note from a backup's JSON.
func dropNote(d []byte) []byte {
	i := bytes.Index(d, []byte(`"notes":[{`))
	j := bytes.Index(d[i:], []byte(`},{`))
	return append(append([]byte{}, d[:i+9]...), d[i+j+2:]...)
}

func TestRotationReachesNotesWrittenOffline(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	register(t, a, srv, "liam", "pw")
	create(t, a, "from a", "x")
	mustSync(t, a)
	b := device(t, srv, t.TempDir())
	login(t, b, srv, "liam", "pw")
	// B writes under generation 1 while A rotates to generation 2.
	create(t, b, "from b offline", "y")
	if err := a.RotateKey(context.Background()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		mustSync(t, a)
		mustSync(t, b)
	}
	for _, id := range idsOf(a) {
		_, blob, _, _ := srv.Note("liam", id)
		if blob[4] != 2 {
			t.Errorf("note %s still under generation %d on the server", id, blob[4])
		}
	}
	if len(a.List()) != 2 || len(b.List()) != 2 || len(a.Conflicts()) != 0 {
		t.Errorf("a %d notes, b %d notes, conflicts %v; want 2, 2, none", len(a.List()), len(b.List()), a.Conflicts())
	}
}

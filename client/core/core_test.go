package core_test

import (
	"errors"
	"os"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

func TestRegisterUnlockCreateList(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	c := device(t, srv, dir)
	if c.HasAccount() || !c.Locked() {
		t.Fatalf("fresh profile: HasAccount=%v Locked=%v, want false true", c.HasAccount(), c.Locked())
	}
	rk := register(t, c, srv, "Alice", "correct horse")
	if len(rk) != 65 {
		t.Errorf("recovery key %q has %d chars, want 65", rk, len(rk))
	}
	if c.Locked() || c.Account().Username != "alice" {
		t.Fatalf("after Register: Locked=%v user=%q", c.Locked(), c.Account().Username)
	}
	id1 := create(t, c, "first", "one")
	id2 := create(t, c, "second", "two")
	if got := c.List(); len(got) != 2 || !got[0].Pending {
		t.Fatalf("List = %+v, want 2 pending notes", got)
	}
	c.Close()

	st, err := os.Stat(c.VaultPath())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("vault mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}

	c = device(t, srv, dir)
	if !c.HasAccount() || !c.Locked() {
		t.Fatalf("reopened: HasAccount=%v Locked=%v, want true true", c.HasAccount(), c.Locked())
	}
	if len(c.List()) != 0 {
		t.Fatal("notes visible while locked")
	}
	if err := c.Unlock([]byte("wrong")); !errors.Is(err, core.ErrWrongPassword) {
		t.Fatalf("Unlock(wrong) = %v, want ErrWrongPassword", err)
	}
	if err := c.Unlock([]byte("correct horse")); err != nil {
		t.Fatalf("Unlock: %v", err)
	}
	for id, want := range map[string]string{id1: "one", id2: "two"} {
		n, err := c.Get(id)
		if err != nil || n.Body != want {
			t.Errorf("Get(%s) = %v, %v; want body %q", id, n, err, want)
		}
	}
	if err := c.Update(id1, &note.Note{Title: "first", Body: "uno"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(id2); err != nil {
		t.Fatal(err)
	}
	if got := bodies(t, c); len(got) != 1 || got["first"] != "uno" {
		t.Fatalf("after edit+delete: %v", got)
	}
	if got := c.Search("UNO"); len(got) != 1 || got[0].ID != id1 {
		t.Fatalf("Search(UNO) = %+v", got)
	}
	c.Lock()
	if _, err := c.Get(id1); !errors.Is(err, core.ErrLocked) {
		t.Fatalf("Get after Lock = %v, want ErrLocked", err)
	}
	if _, err := c.Create(&note.Note{Title: "x"}); !errors.Is(err, core.ErrLocked) {
		t.Fatalf("Create after Lock = %v, want ErrLocked", err)
	}
}

func TestRememberDevice(t *testing.T) {
	srv := fakeremote.New()
	dir := t.TempDir()
	c := device(t, srv, dir)
	register(t, c, srv, "bob", "pw-bob")
	id := create(t, c, "t", "b")
	if err := c.UnlockWithDevice(); !errors.Is(err, core.ErrNoDeviceKey) {
		t.Fatalf("UnlockWithDevice before remembering = %v, want ErrNoDeviceKey", err)
	}
	if err := c.RememberDevice(true); err != nil {
		t.Fatal(err)
	}
	c.Close()
	c = device(t, srv, dir)
	if !c.DeviceRemembered() {
		t.Fatal("DeviceRemembered = false after RememberDevice(true)")
	}
	if err := c.UnlockWithDevice(); err != nil {
		t.Fatalf("UnlockWithDevice: %v", err)
	}
	if _, err := c.Get(id); err != nil {
		t.Fatal(err)
	}
	if err := c.RememberDevice(false); err != nil {
		t.Fatal(err)
	}
	c.Lock()
	if err := c.UnlockWithDevice(); !errors.Is(err, core.ErrNoDeviceKey) {
		t.Fatalf("UnlockWithDevice after forgetting = %v, want ErrNoDeviceKey", err)
	}
}

package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fakeremote"
)

// editBackup decodes a backup's JSON, lets edit change it and encodes it
// again under the same header line.
func editBackup(t *testing.T, raw []byte, edit func(map[string]any)) []byte {
	t.Helper()
	i := bytes.IndexByte(raw, '\n')
	var m map[string]any
	if err := json.Unmarshal(raw[i+1:], &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	body, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte{}, raw[:i+1]...), body...)
}

// flipSuccessor flips one bit in the ciphertext of successor i.
func flipSuccessor(i int) func(map[string]any) {
	return func(m map[string]any) {
		succ := m["successors"].([]any)
		var b []byte
		json.Unmarshal([]byte(`"`+succ[i].(string)+`"`), &b)
		b[len(b)-20] ^= 0x01
		succ[i] = b
	}
}

// TestBackupAfterRotations: the device's recovery wrap predates two
// rotations, yet its backup opens with the original recovery key in a
// fresh profile, because the file carries the successor chain (SPEC §9).
func TestBackupAfterRotations(t *testing.T) {
	srv := fakeremote.New()
	a := device(t, srv, t.TempDir())
	rk := register(t, a, srv, "uma", "pw")
	ctx := context.Background()
	create(t, a, "one", "under generation 1")
	mustSync(t, a)
	for _, title := range []string{"two", "three"} {
		if err := a.RotateKey(ctx); err != nil {
			t.Fatal(err)
		}
		create(t, a, title, "written after a rotation")
		mustSync(t, a)
	}
	path := filepath.Join(t.TempDir(), "backup.clb")
	if err := a.ExportEncrypted(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		IndexGen   uint32   `json:"index_gen"`
		Successors [][]byte `json:"successors"`
	}
	json.Unmarshal(raw[bytes.IndexByte(raw, '\n')+1:], &f)
	if f.IndexGen != 3 || len(f.Successors) != 2 {
		t.Fatalf("backup: index_gen %d, %d successors; want 3, 2", f.IndexGen, len(f.Successors))
	}
	want := map[string]string{"one": "under generation 1", "two": "written after a rotation", "three": "written after a rotation"}

	tests := []struct {
		name   string
		secret string
		edit   func(map[string]any)
		err    error
	}{
		{"successor tampered, recovery key", rk, flipSuccessor(0), core.ErrTampered},
		{"newest successor tampered, recovery key", rk, flipSuccessor(1), core.ErrTampered},
		{"successor tampered, password", "pw", flipSuccessor(1), core.ErrTampered},
		{"successor dropped", rk, func(m map[string]any) { m["successors"] = m["successors"].([]any)[:1] }, core.ErrTampered},
		{"successors swapped", rk, func(m map[string]any) {
			s := m["successors"].([]any)
			s[0], s[1] = s[1], s[0]
		}, nil},
		// Without the chain the recovery wrap cannot reach generation 3:
		// the file is refused as before this field existed.
		{"no successors, recovery key", rk, func(m map[string]any) { delete(m, "successors") }, core.ErrBadBackup},
		{"no successors, password", "pw", func(m map[string]any) { delete(m, "successors") }, nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "edited.clb")
			os.WriteFile(p, editBackup(t, raw, tc.edit), 0o600)
			fresh := device(t, srv, t.TempDir())
			register(t, fresh, srv, fmt.Sprintf("fresh%d", i), "pw2")
			n, err := fresh.Import(p, []byte(tc.secret))
			if !errors.Is(err, tc.err) {
				t.Fatalf("Import = %d, %v; want %v", n, err, tc.err)
			}
			if tc.err != nil && n != 0 {
				t.Errorf("Import of a refused file added %d notes, want 0", n)
			}
			if tc.err == nil && n != len(want) {
				t.Errorf("Import = %d, want %d", n, len(want))
			}
		})
	}

	// The unchanged file, in a fresh profile, with the original recovery key.
	fresh := device(t, srv, t.TempDir())
	register(t, fresh, srv, "vera", "pw3")
	n, err := fresh.Import(path, []byte(rk))
	if err != nil || n != len(want) {
		t.Fatalf("Import(original recovery key) = %d, %v; want %d, nil", n, err, len(want))
	}
	got := bodies(t, fresh)
	for title, body := range want {
		if got[title] != body {
			t.Errorf("restored %q = %q, want %q", title, got[title], body)
		}
	}
}

package vault

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// TestIfChanged: with two Vaults on one file (two processes), each sees
// the other's commits and never its own.
func TestIfChanged(t *testing.T) {
	ctx := context.Background()
	a, path := openTemp(t)
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	var got string
	read := func(tx *Tx) error {
		var err error
		got, err = tx.meta("test_key")
		return err
	}
	set := func(v *Vault, value string) {
		t.Helper()
		if err := v.Update(ctx, func(tx *Tx) error { return tx.setMeta("test_key", value) }); err != nil {
			t.Fatal(err)
		}
	}
	// check runs a.IfChanged and reports whether fn ran.
	ver := int64(-1)
	check := func() bool {
		t.Helper()
		got = "(not read)"
		nv, err := a.IfChanged(ctx, ver, read)
		if err != nil {
			t.Fatal(err)
		}
		ran := got != "(not read)"
		ver = nv
		return ran
	}

	steps := []struct {
		name    string
		write   func()
		wantRan bool
		want    string
	}{
		{"first call", func() {}, true, ""},
		{"nothing new", func() {}, false, ""},
		{"own commit", func() { set(a, "from a") }, false, ""},
		{"other's commit", func() { set(b, "from b") }, true, "from b"},
		{"nothing new after it", func() {}, false, ""},
		{"other's two commits", func() { set(b, "b1"); set(b, "b2") }, true, "b2"},
		{"own then other's", func() { set(a, "a2"); set(b, "b3") }, true, "b3"},
	}
	for _, s := range steps {
		s.write()
		ran := check()
		if ran != s.wantRan {
			t.Fatalf("%s: IfChanged ran fn = %v, want %v", s.name, ran, s.wantRan)
		}
		if ran && got != s.want {
			t.Fatalf("%s: fn read %q, want %q", s.name, got, s.want)
		}
	}
}

// TestIfChangedWhileWriting: while an Update holds the write lock,
// IfChanged returns at once without running fn, and the change is seen by
// the next call.
func TestIfChangedWhileWriting(t *testing.T) {
	ctx := context.Background()
	a, path := openTemp(t)
	b, err := Open(ctx, filepath.Clean(path))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ver, err := a.IfChanged(ctx, -1, func(*Tx) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Update(ctx, func(tx *Tx) error { return tx.setMeta("test_key", "x") }); err != nil {
		t.Fatal(err)
	}
	err = a.Update(ctx, func(*Tx) error {
		ran := false
		nv, err := a.IfChanged(ctx, ver, func(*Tx) error { ran = true; return nil })
		if err != nil || ran || nv != ver {
			t.Errorf("IfChanged inside an Update = %d, %v, ran %v; want %d, nil, not run", nv, err, ran, ver)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	if _, err := a.IfChanged(ctx, ver, func(*Tx) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("IfChanged after the Update: ran %v, %v; want it to run", ran, err)
	}
}

// BenchmarkIfChangedIdle is the cost of one look when nothing changed:
// what an unlocked app spends every Config.WatchEvery (one second).
func BenchmarkIfChangedIdle(b *testing.B) {
	ctx := context.Background()
	v, err := Open(ctx, filepath.Join(b.TempDir(), FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	ver, err := v.IfChanged(ctx, -1, func(*Tx) error { return nil })
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ver, err = v.IfChanged(ctx, ver, func(*Tx) error { b.Fatal("ran"); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// TestUpdateAfterCancelledUpdate: Updates whose context ends in the
// middle leave the vault writable, and so does a write connection that
// database/sql ended (it drops the connection of a transaction whose
// context ends first: TestLogoutDuringAutoSync met it once in core).
func TestUpdateAfterCancelledUpdate(t *testing.T) {
	v, _ := openTemp(t)
	after := func(what string) {
		t.Helper()
		if err := v.Update(context.Background(), func(tx *Tx) error { return tx.setMeta("test_key", "after") }); err != nil {
			t.Fatalf("Update after %s = %v, want nil", what, err)
		}
	}
	for range 50 {
		ctx, cancel := context.WithCancel(context.Background())
		v.Update(ctx, func(tx *Tx) error {
			cancel()
			return tx.setMeta("test_key", "cancelled")
		})
		after("a cancelled one")
	}
	v.w.Close() // as database/sql does after such a rollback
	after("the write connection ended")
}

// TestStampsMatchStampOf: Stamps reads, of every live row, what StampOf
// takes from the row read whole; deleted rows are not listed, and a new
// sealing (another nonce) gives another stamp.
func TestStampsMatchStampOf(t *testing.T) {
	ctx := context.Background()
	v, _ := openTemp(t)
	env := func(nonce byte, size int) []byte {
		e := make([]byte, size)
		e[0], e[4] = 1, 1
		for i := 5; i < StampSize && i < size; i++ {
			e[i] = nonce
		}
		return e
	}
	rows := []Note{
		{ID: "00000000-0000-4000-8000-000000000001", Rev: 1, Envelope: env(1, 600), Gen: 1, Op: OpPut},
		{ID: "00000000-0000-4000-8000-000000000002", Rev: 7, Envelope: env(2, 2000), Gen: 1},
		{ID: "00000000-0000-4000-8000-000000000003", Rev: 2, Envelope: env(3, 12), Gen: 1}, // shorter than a head
		{ID: "00000000-0000-4000-8000-000000000004", Rev: 3, Deleted: true, Gen: 1},
	}
	err := v.Update(ctx, func(tx *Tx) error {
		for _, n := range rows {
			if err := tx.PutNote(n); err != nil {
				return err
			}
			if n.Op != OpNone {
				if err := tx.Queue(n.ID, n.Op); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stamps := func() map[string]Stamp {
		out := map[string]Stamp{}
		err := v.View(ctx, func(tx *Tx) error {
			return tx.Stamps(func(s Stamp) error {
				s.Head = bytes.Clone(s.Head)
				out[s.ID] = s
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := stamps()
	if len(got) != 3 {
		t.Fatalf("Stamps listed %d rows, want the 3 live ones: %v", len(got), got)
	}
	for _, n := range rows[:3] {
		want := StampOf(n)
		if g := got[n.ID]; g.Rev != want.Rev || g.Len != want.Len || !bytes.Equal(g.Head, want.Head) || g.Pending != want.Pending {
			t.Errorf("Stamps: %s = %+v, want %+v", n.ID, g, want)
		}
	}
	resealed := rows[1]
	resealed.Envelope = env(9, 2000)
	if err := v.Update(ctx, func(tx *Tx) error { return tx.PutNote(resealed) }); err != nil {
		t.Fatal(err)
	}
	if g := stamps()[resealed.ID]; bytes.Equal(g.Head, got[resealed.ID].Head) {
		t.Errorf("a new sealing kept the stamp head %x", g.Head)
	}
}

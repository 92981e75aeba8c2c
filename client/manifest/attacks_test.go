package manifest

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// world: one account, an honest server, devices A and B that both synced
// notes x, y, z; then A edited x (rev 2) and deleted z (tombstone, rev 2),
// and B synced again.
type world struct {
	rng        *rand.Rand
	acct       account
	srv        *server
	a, b       *device
	x, y, z    string
	xRev1      []byte  // x's first blob
	before     *server // snapshot before A's second write
	feedAtRev1 []protocol.Change
}

func newWorld(t *testing.T) *world {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	w := &world{rng: rng, acct: newAccount(t, rng), srv: newServer()}
	w.a, w.b = newDevice(t, w.acct, rng), newDevice(t, w.acct, rng)
	w.x, w.y, w.z = newID(rng), newID(rng), newID(rng)
	w.xRev1 = newBlob(rng)
	w.a.sync(t, w.srv, func() []protocol.BatchOp {
		return []protocol.BatchOp{w.a.put(w.x, w.xRev1), w.a.put(w.y, newBlob(rng)), w.a.put(w.z, newBlob(rng))}
	})
	w.mustPull(t, w.b)
	w.before = w.srv.snapshot()
	w.feedAtRev1, _ = w.srv.feed(0)
	w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.x, newBlob(rng)), w.a.del(w.z)} })
	w.mustPull(t, w.b)
	return w
}

func (w *world) mustPull(t *testing.T, d *device) {
	t.Helper()
	if err := d.pull(w.srv); err != nil {
		t.Fatalf("honest pull: %v", err)
	}
}

// fresh is a device with no memory (first use).
func (w *world) fresh(t *testing.T) *device { return newDevice(t, w.acct, w.rng) }

func edit(cs []protocol.Change, f func(cs []protocol.Change) []protocol.Change) []protocol.Change {
	return f(slices.Clone(cs))
}

func without(cs []protocol.Change, id string) []protocol.Change {
	return slices.DeleteFunc(slices.Clone(cs), func(c protocol.Change) bool { return c.ID == id })
}

func index(cs []protocol.Change, id string) int {
	return slices.IndexFunc(cs, func(c protocol.Change) bool { return c.ID == id })
}

func TestAttacks(t *testing.T) {
	tests := []struct {
		name   string
		attack func(t *testing.T, w *world) error // what the device's pull returns
		want   error                              // nil: no alarm is the right answer
	}{
		{"dropped note, new device", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			return w.fresh(t).receive(without(cs, w.y), m)
		}, ErrStateMismatch},
		{"dropped new change", func(t *testing.T, w *world) error {
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			cs, m := w.srv.feed(w.b.cursor)
			return w.b.receive(without(cs, w.y), m)
		}, ErrStateMismatch},
		{"tombstone omitted for a new device (as after compaction: not an attack)", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			return w.fresh(t).receive(without(cs, w.z), m)
		}, nil},
		{"delete hidden from a device holding the note live", func(t *testing.T, w *world) error {
			c := w.fresh(t)
			if err := c.pull(w.before); err != nil {
				t.Fatalf("honest pull before the delete: %v", err)
			}
			cs, m := w.srv.feed(c.cursor)
			return c.receive(without(cs, w.z), m)
		}, ErrStateMismatch},
		{"forged tombstone for a live note", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			i := index(cs, w.y)
			cs[i].Rev, cs[i].Blob, cs[i].Deleted = cs[i].Rev+1, nil, true
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"note rolled back, device saw newer", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			return w.b.receive([]protocol.Change{{ID: w.x, Rev: 1, Seq: w.b.cursor + 1, Blob: w.xRev1}}, m)
		}, ErrNoteRollback},
		{"note rolled back, new device", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			cs[index(cs, w.x)].Rev, cs[index(cs, w.x)].Blob = 1, w.xRev1
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"swapped blobs, device saw them", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			i, j := index(cs, w.x), index(cs, w.y)
			cs[i].Blob, cs[j].Blob = cs[j].Blob, cs[i].Blob
			return w.b.receive(cs, m)
		}, ErrStateMismatch},
		{"swapped blobs, new device", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			i, j := index(cs, w.x), index(cs, w.y)
			cs[i].Blob, cs[j].Blob = cs[j].Blob, cs[i].Blob
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"blob from another user", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			cs[index(cs, w.y)].Blob = newBlob(w.rng) // another account's envelope: another hash
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"deleted note replayed, device saw the tombstone", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			live := w.before.notes[w.z]
			return w.b.receive([]protocol.Change{{ID: w.z, Rev: live.rev, Seq: w.b.cursor + 1, Blob: live.blob}}, m)
		}, ErrNoteRollback},
		{"deleted note replayed, new device", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			live := w.before.notes[w.z]
			i := index(cs, w.z)
			cs[i].Rev, cs[i].Deleted, cs[i].Blob = live.rev, false, live.blob
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"manifest rolled back with its state", func(t *testing.T, w *world) error {
			cs, m := w.before.feed(0) // genuine old state and its genuine manifest
			return w.b.receive(cs, m)
		}, ErrNoteRollback},
		{"manifest rolled back alone", func(t *testing.T, w *world) error {
			_, m := w.before.feed(0)
			return w.b.receive(nil, m)
		}, ErrManifestRollback},
		{"manifest removed", func(t *testing.T, w *world) error {
			return w.b.receive(nil, protocol.Manifest{})
		}, ErrManifestRollback},
		{"tampered manifest bytes", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			m.Blob = slices.Clone(m.Blob)
			m.Blob[len(m.Blob)-20] ^= 1
			return w.b.receive(nil, m)
		}, ErrTamperedManifest},
		{"manifest served as another version", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			m.Version++
			return w.b.receive(nil, m)
		}, ErrTamperedManifest},
		{"truncated manifest", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			m.Blob = m.Blob[:len(m.Blob)/2]
			return w.b.receive(nil, m)
		}, ErrTamperedManifest},
		{"blob for version 0", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			return w.fresh(t).receive(nil, protocol.Manifest{Blob: m.Blob})
		}, ErrTamperedManifest},
		{"manifest of another user", func(t *testing.T, w *world) error {
			other := newWorld(t) // same seed: same user id, another key
			_, m := other.srv.feed(0)
			return w.b.receive(nil, m)
		}, ErrTamperedManifest},
		{"manifest of another user id, same keys", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			d := w.fresh(t)
			d.acct.userID = newID(w.rng)
			return d.receive(nil, m)
		}, ErrTamperedManifest},
		{"fork: B reads A's write after writing on its own branch", func(t *testing.T, w *world) error {
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			return w.b.pull(w.srv) // same version, other hash
		}, ErrFork},
		{"fork: A reads B's branch one version later", func(t *testing.T, w *world) error {
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			return w.a.receive(branch.feed(w.a.cursor)) // prev is not the hash A saw
		}, ErrFork},
		{"fork: A reads B's branch much later", func(t *testing.T, w *world) error {
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			for range 3 {
				w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			}
			return w.a.receive(branch.feed(w.a.cursor)) // heads[A] is not A's last write
		}, ErrFork},
		{"fork: a reader that never wrote", func(t *testing.T, w *world) error {
			c := w.fresh(t)
			w.mustPull(t, c)
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			w.mustPull(t, c)
			return c.receive(branch.feed(c.cursor))
		}, ErrFork},
		{"fork: server hides the device's own write", func(t *testing.T, w *world) error {
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			a2 := *w.a
			a2.mem.HighestVersion = 0 // even forgetting the chain, the head check holds
			return a2.receive(branch.feed(a2.cursor))
		}, ErrFork},
		{"fork undetectable while views never meet", func(t *testing.T, w *world) error {
			branch := w.srv.snapshot()
			w.a.sync(t, w.srv, func() []protocol.BatchOp { return []protocol.BatchOp{w.a.put(w.y, newBlob(w.rng))} })
			w.b.sync(t, branch, func() []protocol.BatchOp { return []protocol.BatchOp{w.b.put(w.x, newBlob(w.rng))} })
			if err := w.a.pull(w.srv); err != nil {
				return err
			}
			return w.b.pull(branch)
		}, nil},
		{"stale cursor: everything again", func(t *testing.T, w *world) error {
			return w.b.receive(w.srv.feed(0))
		}, nil},
		{"stale cursor: an old page", func(t *testing.T, w *world) error {
			_, m := w.srv.feed(0)
			return w.b.receive(w.feedAtRev1, m)
		}, ErrNoteRollback},
		{"duplicated change", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			return w.fresh(t).receive(append(cs, cs[0]), m)
		}, nil},
		{"note id reused with other content, same revision", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			cs = append(cs, protocol.Change{ID: w.y, Rev: 1, Seq: 99, Blob: newBlob(w.rng)})
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"extra note injected", func(t *testing.T, w *world) error {
			cs, m := w.srv.feed(0)
			cs = append(cs, protocol.Change{ID: newID(w.rng), Rev: 1, Seq: 99, Blob: newBlob(w.rng)})
			return w.fresh(t).receive(cs, m)
		}, ErrStateMismatch},
		{"first use of an old genuine state (out of reach)", func(t *testing.T, w *world) error {
			return w.fresh(t).receive(w.before.feed(0))
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			err := tt.attack(t, w)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("pull = %v, want no alarm", err)
				}
				return
			}
			var d *Detection
			if !errors.Is(err, tt.want) || !errors.As(err, &d) {
				t.Fatalf("pull = %v, want a *Detection of %q", err, tt.want)
			}
		})
	}
}

package manifest

import (
	"errors"
	"math/rand/v2"
	"testing"

	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// TestForkJoin: the server forks the history after a state X has seen, shows
// X one branch, then moves X to the other branch, skipping at least one
// version so the consecutive prev check never runs. X detects it at that
// first pull from its remembered heads (SPEC §10.6), however many versions
// are skipped.
func TestForkJoin(t *testing.T) {
	for _, skip := range []int{2, 3, 10} {
		t.Run(fmtSkip(skip), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, uint64(skip)))
			a := newAccount(t, rng)
			s := newServer()
			w, y, x := newDevice(t, a, rng), newDevice(t, a, rng), newDevice(t, a, rng)
			n1 := newID(rng)
			w.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{w.put(n1, newBlob(rng))} })
			if err := x.pull(s); err != nil {
				t.Fatal(err)
			}
			// Fork: branch A (W writes, X sees it), branch B (Y writes).
			// W's edit of n1 on A is what would vanish: on B, Y edits n1
			// to higher revisions, so X's state and B's digest agree.
			b := s.snapshot()
			w.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{w.put(n1, newBlob(rng))} })
			if err := x.pull(s); err != nil {
				t.Fatalf("X on branch A: %v", err)
			}
			for range skip + 1 {
				y.sync(t, b, func() []protocol.BatchOp { return []protocol.BatchOp{y.put(n1, newBlob(rng))} })
			}
			if b.manifest.Version <= x.mem.HighestVersion+1 {
				t.Fatalf("branch B at %d does not skip past X's %d", b.manifest.Version, x.mem.HighestVersion)
			}
			// The whole branch B, as a device that never saw it would get it.
			cs, m := b.feed(0)
			before := x.mem
			err := x.receive(cs, m)
			if !errors.Is(err, ErrFork) {
				t.Fatalf("X moved to branch B (version %d after %d) = %v, want %v", m.Version, before.HighestVersion, err, ErrFork)
			}
			if x.mem.HighestVersion != before.HighestVersion {
				t.Errorf("X's memory moved to %d after a detection", x.mem.HighestVersion)
			}
		})
	}
}

// TestForkJoinHonestSkip: the same skip on one honest history is no
// detection: heads only move forward.
func TestForkJoinHonestSkip(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	a := newAccount(t, rng)
	s := newServer()
	w, y, x := newDevice(t, a, rng), newDevice(t, a, rng), newDevice(t, a, rng)
	for range 2 {
		nid := newID(rng)
		w.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{w.put(nid, newBlob(rng))} })
	}
	if err := x.pull(s); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		nid := newID(rng)
		y.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{y.put(nid, newBlob(rng))} })
		nid2 := newID(rng)
		w.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{w.put(nid2, newBlob(rng))} })
	}
	if err := x.pull(s); err != nil {
		t.Fatalf("X after an honest skip of %d versions: %v", s.manifest.Version-x.mem.HighestVersion, err)
	}
}

// TestManifestOldGeneration: after X verified a manifest sealed under
// generation 2, one sealed under generation 1 (by a holder of the retired
// key) is a tampered manifest, even at a higher version with valid links.
func TestManifestOldGeneration(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	a := newAccount(t, rng)
	b2, err := a.b.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	s := newServer()
	w := newDevice(t, a, rng)
	n1 := newID(rng)
	w.sync(t, s, func() []protocol.BatchOp { return []protocol.BatchOp{w.put(n1, newBlob(rng))} })
	if err := w.pull(s); err != nil {
		t.Fatal(err)
	}
	// W rotates and writes under generation 2.
	w.acct.b = b2
	d2, err := cryptobox.NewDigester(b2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.Rekey(d2, 2); err != nil {
		t.Fatal(err)
	}
	n2 := newID(rng)
	if !w.write(t, s, []protocol.BatchOp{w.put(n2, newBlob(rng))}, answered) {
		t.Fatal("W's write under generation 2 refused")
	}
	x := newDevice(t, account{userID: a.userID, b: b2}, rng)
	if err := x.pull(s); err != nil {
		t.Fatal(err)
	}
	if x.mem.HighestGen != 2 {
		t.Fatalf("HighestGen after a generation-2 manifest = %d, want 2", x.mem.HighestGen)
	}
	// The attacker continues the chain under generation 1: it deletes n1.
	evil := newDevice(t, a, rng)
	if err := evil.pull(s); err == nil {
		t.Fatal("a device with only generation 1 verified a generation-2 manifest")
	}
	evil.st, evil.curM, evil.cur, evil.mem = x.st.Clone(), x.curM, x.cur, x.mem
	d1, _ := cryptobox.NewDigester(a.b)
	if err := evil.st.Rekey(d1, 1); err != nil {
		t.Fatal(err)
	}
	evil.id = w.id // forge W's write, heads and all
	evil.mem.LastWrite, evil.mem.Pending = w.mem.LastWrite, nil
	if !evil.write(t, s, []protocol.BatchOp{evil.del(n1)}, answered) {
		t.Fatal("forged write refused by the test server")
	}
	err = x.pull(s)
	if !errors.Is(err, ErrTamperedManifest) {
		t.Fatalf("X pulling a manifest under retired generation 1 = %v, want %v", err, ErrTamperedManifest)
	}
}

func fmtSkip(n int) string { return "skip " + string(rune('0'+n/10)) + string(rune('0'+n%10)) }

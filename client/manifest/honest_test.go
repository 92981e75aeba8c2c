package manifest

import (
	"math/rand/v2"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestHonestNoFalseAlarm: three devices make 1,000 random edits through an
// honest server, racing each other (stale views lose the CAS and retry) and
// sometimes losing the server's answer; no check may ever fire.
func TestHonestNoFalseAlarm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	acct := newAccount(t, rng)
	srv := newServer()
	devs := []*device{newDevice(t, acct, rng), newDevice(t, acct, rng), newDevice(t, acct, rng)}
	var ids []string
	edits, conflicts, lostAnswers := 0, 0, 0
	for edits < 1000 {
		d := devs[rng.IntN(len(devs))]
		if rng.IntN(4) == 0 { // a pull alone, so views go stale between writes
			if err := d.pull(srv); err != nil {
				t.Fatalf("edit %d: pull: %v", edits, err)
			}
			continue
		}
		var ops []protocol.BatchOp
		for range 1 + rng.IntN(3) {
			switch r := rng.IntN(10); {
			case len(ids) == 0 || r < 3:
				id := newID(rng)
				ids = append(ids, id)
				ops = append(ops, protocol.BatchOp{Op: protocol.OpPut, ID: id, Blob: newBlob(rng)})
			default:
				id := ids[rng.IntN(len(ids))]
				if hasOp(ops, id) {
					continue
				}
				if _, deleted, ok := d.st.Rev(id); !ok || deleted {
					continue
				}
				if r < 8 {
					ops = append(ops, d.put(id, newBlob(rng)))
				} else {
					ops = append(ops, d.del(id))
				}
			}
		}
		if len(ops) == 0 {
			continue
		}
		l := answered
		if rng.IntN(20) == 0 {
			l = lostAnswer
			lostAnswers++
		}
		if d.write(t, srv, ops, l) {
			edits += len(ops)
		} else {
			conflicts++
		}
		if err := d.pull(srv); err != nil {
			t.Fatalf("edit %d: pull after write: %v", edits, err)
		}
	}
	for i, d := range devs {
		if err := d.pull(srv); err != nil {
			t.Fatalf("device %d final pull: %v", i, err)
		}
		if d.st.Digest() != devs[0].st.Digest() || d.mem.HighestVersion != srv.manifest.Version {
			t.Errorf("device %d did not converge", i)
		}
	}
	t.Logf("%d edits, %d refused writes, %d lost answers, manifest version %d, %d notes",
		edits, conflicts, lostAnswers, srv.manifest.Version, len(srv.notes))
	if conflicts == 0 || lostAnswers == 0 {
		t.Errorf("the run exercised no race (%d) or no lost answer (%d)", conflicts, lostAnswers)
	}
}

func hasOp(ops []protocol.BatchOp, id string) bool {
	for _, op := range ops {
		if op.ID == id {
			return true
		}
	}
	return false
}

package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"cipherleaf.dev/server"
)

// TestBatchStatementSizes writes batches of sizes around the multi-row
// statements' (upsertRows) — new notes, then edits of all of them in the
// same sizes, some listed twice — and reads every note back with its
// revision, sequence and blob.
func TestBatchStatementSizes(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{1, 15, 16, 17, 249, 250, 251, 266, 499, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := openTest(t)
			u, _ := newUser(t, s, "alice")
			want := map[string]server.Write{}
			blob := func(id string, rev int) []byte { return []byte(fmt.Sprintf("%s rev %d", id, rev)) }
			writes := make([]server.Write, n)
			for i := range writes {
				id := randomID(t)
				writes[i] = server.Write{ID: id, Blob: blob(id, 1)}
			}
			for rev := 1; rev <= 2; rev++ {
				out, err := s.Batch(ctx, u.ID, 0, writes, nil)
				if err != nil || !out.Applied {
					t.Fatalf("rev %d: Batch = %+v, %v", rev, out, err)
				}
				for i, r := range out.Results {
					if r.Status != "ok" || r.Rev != uint64(rev) || r.Seq != uint64((rev-1)*n+i+1) {
						t.Fatalf("rev %d: result %d = %+v, want ok rev %d seq %d", rev, i, r, rev, (rev-1)*n+i+1)
					}
					want[writes[i].ID] = writes[i]
					writes[i] = server.Write{ID: writes[i].ID, BaseRev: r.Rev, Blob: blob(writes[i].ID, rev+1)}
				}
			}
			p, err := s.Changes(ctx, u.ID, 0, 5000, 64<<20)
			if err != nil || len(p.Changes) != n {
				t.Fatalf("Changes = %d changes, %v; want %d", len(p.Changes), err, n)
			}
			for i, c := range p.Changes {
				w := want[c.ID]
				if c.Rev != 2 || c.Seq != uint64(n+i+1) || !bytes.Equal(c.Blob, w.Blob) {
					t.Fatalf("change %d = %s rev %d seq %d %q, want rev 2 seq %d %q", i, c.ID, c.Rev, c.Seq, c.Blob, n+i+1, w.Blob)
				}
			}
		})
	}
	t.Run("a note twice in one batch", func(t *testing.T) {
		s := openTest(t)
		u, _ := newUser(t, s, "alice")
		writes := make([]server.Write, 300)
		for i := range writes {
			writes[i] = server.Write{ID: randomID(t), Blob: []byte{byte(i)}}
		}
		writes[280] = server.Write{ID: writes[3].ID, BaseRev: 1, Blob: []byte("second")}
		out, err := s.Batch(ctx, u.ID, 0, writes, nil)
		if err != nil || !out.Applied || out.Results[280].Status != "ok" || out.Results[280].Rev != 2 {
			t.Fatalf("Batch = %+v, %v", out.Results[280], err)
		}
		p, err := s.Changes(ctx, u.ID, 0, 5000, 64<<20)
		if err != nil || len(p.Changes) != 299 {
			t.Fatalf("Changes = %d changes, %v; want 299", len(p.Changes), err)
		}
		for _, c := range p.Changes {
			if c.ID == writes[3].ID && (c.Rev != 2 || c.Seq != 281 || string(c.Blob) != "second") {
				t.Fatalf("change of the note written twice = rev %d seq %d %q, want rev 2 seq 281 %q", c.Rev, c.Seq, c.Blob, "second")
			}
		}
	})
}

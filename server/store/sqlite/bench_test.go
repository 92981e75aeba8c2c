package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"cipherleaf.dev/server"
	"cipherleaf.dev/server/internal/procstat"
	"cipherleaf.dev/shared/protocol"
)

// BenchmarkWriteNoteParallel measures single-note writes from 64
// concurrent writers (each its own note), the group-commit path.
func BenchmarkWriteNoteParallel(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "db.sqlite"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u := &server.User{UID: "u", Username: "bench", AuthHash: []byte("h"), RecoveryHash: []byte("r"), WrappedKey: []byte("w"), RecoveryWrappedKey: []byte("r")}
	if err := s.CreateUser(context.Background(), u, nil); err != nil {
		b.Fatal(err)
	}
	blob := make([]byte, 1024)
	var n atomic.Int64
	b.SetParallelism(32) // 64 goroutines on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", n.Add(1))
		rev := uint64(0)
		for pb.Next() {
			r, _, err := s.WriteNote(context.Background(), u.ID, 0, &server.Write{ID: id, BaseRev: rev, Blob: blob})
			if err != nil {
				b.Fatal(err)
			}
			rev = r
		}
	})
}

// BenchmarkRevisions500 lists a note with 500 kept revisions (issue goal:
// the history list of such a note in ≤ 50 ms; this is the server's part).
func BenchmarkRevisions500(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"), Options{HistoryRevisions: 1000, Durability: DurableProcessCrash})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u, _ := newUser(b, s, "bench")
	blob := make([]byte, 1024)
	for rev := 1; rev <= 500; rev++ {
		if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: uint64(rev - 1), Blob: blob}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		revs, _, err := s.Revisions(ctx, u.ID, id1, 0, 1000)
		if err != nil || len(revs) != 500 {
			b.Fatalf("Revisions = %d, %v", len(revs), err)
		}
	}
}

// BenchmarkHistoryStorage10kEdits is the server's storage for 10,000 edits
// of one 1 KiB note (a sealed 1 KiB note is 1,112 bytes on the wire), with
// the default retention (100 past revisions, 180 days) and without history:
// the database file after a checkpoint, and what the quota counts.
func BenchmarkHistoryStorage10kEdits(b *testing.B) {
	for _, tt := range []struct {
		name string
		revs int
	}{{"default-100-revisions", 100}, {"no-history", 0}} {
		b.Run(tt.name, func(b *testing.B) {
			for range b.N {
				ctx := context.Background()
				path := filepath.Join(b.TempDir(), "db.sqlite")
				s, err := Open(ctx, path, Options{HistoryRevisions: tt.revs, HistoryDays: 180, Durability: DurableProcessCrash})
				if err != nil {
					b.Fatal(err)
				}
				u, _ := newUser(b, s, "bench")
				blob := make([]byte, 1112)
				for rev := 1; rev <= 10000; rev++ {
					blob[rev%len(blob)]++
					if _, _, err := s.WriteNote(ctx, u.ID, 0, &server.Write{ID: id1, BaseRev: uint64(rev - 1), Blob: blob}); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
					b.Fatal(err)
				}
				var used int64
				if err := s.r.QueryRowContext(ctx, "SELECT used_bytes FROM users WHERE id = ?", u.ID).Scan(&used); err != nil {
					b.Fatal(err)
				}
				s.Close()
				var onDisk int64
				for _, suffix := range []string{"", "-wal", "-shm"} {
					if fi, err := os.Stat(path + suffix); err == nil {
						onDisk += fi.Size()
					}
				}
				b.ReportMetric(float64(onDisk)/1024, "db-KiB")
				b.ReportMetric(float64(used)/1024, "quota-KiB")
			}
		})
	}
}

// BenchmarkBatch1000 is the store's part of a push (issue 20): one atomic
// batch of 1,000 new notes of 1,400 bytes (a sealed 1 KiB note), with the
// default durability (an fsync per commit) and history, into a database
// that grows batch after batch as a 10,000-note push makes it.
func BenchmarkBatch1000(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background()) // as a request's
	defer cancel()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"), Options{HistoryRevisions: 100, HistoryDays: 180})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u, _ := newUser(b, s, "bench")
	blob := make([]byte, 1400)
	writes := make([]server.Write, 1000)
	n := 0
	for b.Loop() {
		b.StopTimer()
		for i := range writes {
			n++
			blob[n%len(blob)]++
			writes[i] = server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), Blob: bytes.Clone(blob)}
		}
		b.StartTimer()
		out, err := s.Batch(ctx, u.ID, 0, writes, &server.ManifestWrite{BaseVersion: uint64(n/1000 - 1), Blob: blob[:100]})
		if err != nil || !out.Applied {
			b.Fatalf("Batch = %+v, %v", out, err)
		}
	}
}

// BenchmarkBatch1000Edit: one atomic batch of 1,000 edits of 1,400 bytes
// (every note's previous blob kept as history, SPEC §7.8), as a push
// after a key rotation re-seals every note.
func BenchmarkBatch1000Edit(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background()) // as a request's
	defer cancel()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"), Options{HistoryRevisions: 100, HistoryDays: 180})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	u, _ := newUser(b, s, "bench")
	blob := make([]byte, 1400)
	writes := make([]server.Write, 1000)
	for i := range writes {
		writes[i] = server.Write{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Blob: blob}
	}
	for b.Loop() {
		out, err := s.Batch(ctx, u.ID, 0, writes, nil)
		if err != nil || !out.Applied {
			b.Fatalf("Batch = %+v, %v", out, err)
		}
		for i := range writes {
			if out.Results[i].Status != "ok" {
				b.Fatalf("result %d = %+v", i, out.Results[i])
			}
			writes[i].BaseRev = out.Results[i].Rev
		}
	}
}

// BenchmarkPush10k is the store's part of a whole push (issue 20): a new
// account's 10,000 new notes of 2,093 bytes (the envelope of a 1 KiB note
// with its JSON, padded to 2 KiB, as the client's push sends) in 10
// atomic batches of 1,000 with a manifest, with random note ids as
// clients make them (so each batch's index entries land all over the
// account's part of the id index), into one database that keeps the
// accounts of the iterations before, as a server's does. cpu-ms/batch is
// the process's CPU time per batch, background checkpoints included:
// on a 2-core machine the server's CPU is taken from the pushing client.
// written-KiB/batch and writes/batch are what the process passed to write
// calls (log, checkpoints, any temporary file), which do not depend on
// the machine's load as CPU time does.
func BenchmarkPush10k(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background()) // as a request's
	defer cancel()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "db.sqlite"), Options{HistoryRevisions: 100, HistoryDays: 180})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const notes, batch = 10000, 1000
	blob := make([]byte, 2093)
	users := 0
	var cpu time.Duration
	var written, calls int64
	for b.Loop() {
		b.StopTimer()
		users++
		u := &server.User{UID: randomID(b), Username: fmt.Sprintf("pusher%d", users), AuthHash: []byte("h"), RecoveryHash: []byte("r"),
			KDF:        protocol.KDF{Alg: "argon2id", Version: 19, Time: 3, Memory: 65536, Threads: 4, Salt: make([]byte, 16)},
			WrappedKey: []byte("wk"), RecoveryWrappedKey: []byte("rwk")}
		if err := s.CreateUser(ctx, u, &server.Session{ID: "sess-" + u.Username, DeviceName: "dev", RefreshHash: hash("rt-" + u.Username)}); err != nil {
			b.Fatal(err)
		}
		batches := make([][]server.Write, 0, notes/batch)
		for i := 0; i < notes; i += batch {
			writes := make([]server.Write, batch)
			for j := range writes {
				blob[(i+j)%len(blob)]++
				writes[j] = server.Write{ID: randomID(b), Blob: bytes.Clone(blob)}
			}
			batches = append(batches, writes)
		}
		b.StartTimer()
		cpu0 := procstat.CPU()
		w0, c0 := procstat.Writes()
		for i, writes := range batches {
			out, err := s.Batch(ctx, u.ID, 0, writes, &server.ManifestWrite{BaseVersion: uint64(i), Blob: blob[:100]})
			if err != nil || !out.Applied {
				b.Fatalf("Batch = %+v, %v", out, err)
			}
		}
		cpu += procstat.CPU() - cpu0
		w1, c1 := procstat.Writes()
		written += w1 - w0
		calls += c1 - c0
	}
	batches := float64(b.N * notes / batch)
	b.ReportMetric(float64(written)/1024/batches, "written-KiB/batch")
	b.ReportMetric(float64(calls)/batches, "writes/batch")
	b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(cpu)/1e6/batches, "cpu-ms/batch")
}

// randomID is a random version 4 UUID, as clients make note ids.
func randomID(tb testing.TB) string {
	var r [16]byte
	if _, err := rand.Read(r[:]); err != nil {
		tb.Fatal(err)
	}
	r[6] = r[6]&0x0f | 0x40
	r[8] = r[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", r[0:4], r[4:6], r[6:8], r[8:10], r[10:16])
}

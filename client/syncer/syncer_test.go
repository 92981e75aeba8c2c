package syncer

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/client/vault"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// side is one device: a vault, an engine and the notes it was told about.
type side struct {
	v     *vault.Vault
	e     *Engine
	cd    Codec
	conn  *fakeremote.Conn
	notes map[string]*note.Note
}

func newServer(t *testing.T) (*fakeremote.Server, string, cryptobox.Bundle) {
	srv := fakeremote.New()
	b, err := cryptobox.NewBundle()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Dial(apiclient.Config{}).Register(context.Background(), protocol.RegisterRequest{Username: "user1", AuthKey: []byte("auth")})
	if err != nil {
		t.Fatal(err)
	}
	return srv, resp.UserID, b
}

func newSide(t *testing.T, srv *fakeremote.Server, userID string, b cryptobox.Bundle, wrap func(Remote) Remote) *side {
	t.Helper()
	v, err := vault.Open(context.Background(), filepath.Join(t.TempDir(), "vault.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	conn := srv.Dial(apiclient.Config{})
	if _, err := conn.Login(context.Background(), protocol.LoginRequest{Username: "user1", AuthKey: []byte("auth")}); err != nil {
		t.Fatal(err)
	}
	s := &side{v: v, conn: conn, notes: map[string]*note.Note{}}
	bundle := b
	s.cd = Codec{UserID: userID, Bundle: func() cryptobox.Bundle { return bundle }}
	var r Remote = conn
	if wrap != nil {
		r = wrap(conn)
	}
	s.e = New(Config{Vault: v, Remote: r, Codec: s.cd, OnUpdate: func(ups []Update) {
		for _, u := range ups {
			if u.Keep {
				continue
			}
			if u.Note == nil {
				delete(s.notes, u.ID)
			} else {
				s.notes[u.ID] = u.Note
			}
		}
	}, Rotated: func(ctx context.Context, k *protocol.KeysResponse, nb cryptobox.Bundle) error {
		bundle = nb
		return nil
	}})
	return s
}

func (s *side) put(t *testing.T, id string, body string) {
	t.Helper()
	err := s.v.Update(context.Background(), func(tx *vault.Tx) error {
		_, err := StageLocal(tx, s.cd, id, &note.Note{Title: id, Body: body})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (s *side) cursor(t *testing.T) uint64 {
	var c uint64
	s.v.View(context.Background(), func(tx *vault.Tx) error { c, _ = tx.Cursor(); return nil })
	return c
}

const id1 = "11111111-1111-4111-8111-111111111111"
const id2 = "22222222-2222-4222-8222-222222222222"

func TestPushPull(t *testing.T) {
	srv, uid, b := newServer(t)
	a := newSide(t, srv, uid, b, nil)
	c := newSide(t, srv, uid, b, nil)
	a.put(t, id1, "hello")
	a.put(t, id2, "world")
	rep, err := a.e.Sync(context.Background())
	if err != nil || rep.Pushed != 2 {
		t.Fatalf("a.Sync = %+v, %v; want 2 pushed", rep, err)
	}
	rep, err = c.e.Sync(context.Background())
	if err != nil || rep.Pulled != 2 || c.notes[id1].Body != "hello" {
		t.Fatalf("c.Sync = %+v, %v; notes %v", rep, err, c.notes)
	}
	// Re-pulling the echo of a's own push changes nothing.
	rep, err = a.e.Sync(context.Background())
	if err != nil || rep.Pushed != 0 || len(a.notes) != 0 {
		t.Fatalf("a re-sync = %+v, %v, updates %v", rep, err, a.notes)
	}
}

// editDuringBatch stages a new local edit while the push is in flight.
type editDuringBatch struct {
	Remote
	s    *side
	t    *testing.T
	done bool
}

func (r *editDuringBatch) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	resp, err := r.Remote.Batch(ctx, req)
	if !r.done {
		r.done = true
		r.s.put(r.t, id1, "second edit")
	}
	return resp, err
}

func TestEditDuringPushStaysQueued(t *testing.T) {
	srv, uid, b := newServer(t)
	var a *side
	w := &editDuringBatch{t: t}
	a = newSide(t, srv, uid, b, func(r Remote) Remote { w.Remote = r; return w })
	w.s = a
	a.put(t, id1, "first edit")
	if _, err := a.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	rev, blob, _, _ := srv.Note("user1", id1)
	n, err := a.cd.Open(id1, rev, blob)
	if err != nil || rev != 2 || n.Body != "second edit" {
		t.Fatalf("server rev %d body %v (%v), want rev 2 with the second edit", rev, n, err)
	}
}

func TestBadPagesLeaveVaultUntouched(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(srv *fakeremote.Server, old []byte)
		want    error
	}{
		{"tampered blob", func(srv *fakeremote.Server, _ []byte) {
			srv.SetTamper(func(c *protocol.Change) { c.Blob[len(c.Blob)-1] ^= 1 })
		}, manifest.ErrTamperedNote},
		{"blob moved to another revision", func(srv *fakeremote.Server, old []byte) {
			srv.Rewind("user1", id1, 3, old)
		}, manifest.ErrTamperedNote},
		{"rollback", func(srv *fakeremote.Server, old []byte) {
			srv.Rewind("user1", id1, 1, old)
		}, manifest.ErrNoteRollback},
		{"malformed change", func(srv *fakeremote.Server, _ []byte) {
			srv.SetTamper(func(c *protocol.Change) { c.ID = "not-an-id" })
		}, ErrBadResponse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, uid, b := newServer(t)
			a := newSide(t, srv, uid, b, nil)
			c := newSide(t, srv, uid, b, nil)
			a.put(t, id1, "v1")
			a.e.Sync(context.Background())
			_, old, _, _ := srv.Note("user1", id1)
			a.put(t, id1, "v2")
			a.put(t, id2, "other")
			a.e.Sync(context.Background())
			if _, err := c.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			a.put(t, id2, "newer")
			a.e.Sync(context.Background())
			before := c.cursor(t)
			tc.corrupt(srv, old)
			c.notes = map[string]*note.Note{}
			_, err := c.e.Sync(context.Background())
			if !errors.Is(err, tc.want) {
				t.Fatalf("Sync = %v, want %v", err, tc.want)
			}
			if c.cursor(t) != before || len(c.notes) != 0 {
				t.Errorf("cursor %d→%d, updates %v: the bad page was applied", before, c.cursor(t), c.notes)
			}
		})
	}
}

func TestUnknownGenerationAdoptsSuccessor(t *testing.T) {
	srv, uid, b := newServer(t)
	a := newSide(t, srv, uid, b, nil)
	c := newSide(t, srv, uid, b, nil)
	nb, err := b.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	succ, err := cryptobox.WrapBundle(&b[0].Key, nb, cryptobox.PurposeRotation)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.conn.PutKeys(context.Background(), protocol.KeysRequest{AuthKey: []byte("auth"), WrappedKey: []byte("w"), Successor: succ, BaseGeneration: b.Current().Gen, Generation: nb.Current().Gen}); err != nil {
		t.Fatal(err)
	}
	a2 := newSide(t, srv, uid, nb, nil)
	_ = a
	a2.put(t, id1, "under gen 2")
	if _, err := a2.e.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.e.Sync(context.Background()); err != nil {
		t.Fatalf("Sync with a rotated key: %v", err)
	}
	if c.notes[id1] == nil || c.notes[id1].Body != "under gen 2" {
		t.Fatalf("notes = %v", c.notes)
	}
}

func TestMergeFields(t *testing.T) {
	base := &note.Note{Title: "t", Body: "b", Tags: []string{"x"}}
	tests := []struct {
		name         string
		ours, theirs note.Note
		want         note.Note
		ok           bool
	}{
		{"ours only", note.Note{Title: "T2", Body: "b", Tags: []string{"x"}}, *base, note.Note{Title: "T2", Body: "b", Tags: []string{"x"}}, true},
		{"both different fields", note.Note{Title: "T2", Body: "b", Tags: []string{"x"}}, note.Note{Title: "t", Body: "B2", Tags: []string{"x"}}, note.Note{Title: "T2", Body: "B2", Tags: []string{"x"}}, true},
		{"same field", note.Note{Title: "t", Body: "o", Tags: []string{"x"}}, note.Note{Title: "t", Body: "h", Tags: []string{"x"}}, note.Note{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := MergeFields(base, &tc.ours, &tc.theirs)
			if ok != tc.ok || (ok && (got.Title != tc.want.Title || got.Body != tc.want.Body)) {
				t.Errorf("MergeFields = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// lossy applies the next batch on the server but loses its answer: as an
// error (a timeout) or as "not applied" (the answer to an automatic retry).
type lossy struct {
	Remote
	mode string // "error", "refused" or "" once used
}

func (r *lossy) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	resp, err := r.Remote.Batch(ctx, req)
	switch r.mode {
	case "error":
		r.mode = ""
		return nil, errors.New("connection reset after the request was sent")
	case "refused":
		r.mode = ""
		return &protocol.BatchResponse{Results: resp.Results, Applied: false}, err
	}
	return resp, err
}

// TestLostAnswerIsNoFork: a write the server applied but whose answer was
// lost stays a pending write of the manifest memory, so the next pull sees
// this device's own head without alarm, and the note is not written twice.
func TestLostAnswerIsNoFork(t *testing.T) {
	for _, mode := range []string{"error", "refused"} {
		t.Run(mode, func(t *testing.T) {
			srv, uid, b := newServer(t)
			l := &lossy{}
			a := newSide(t, srv, uid, b, func(r Remote) Remote { l.Remote = r; return l })
			c := newSide(t, srv, uid, b, nil)
			a.put(t, id1, "first")
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			a.put(t, id1, "second")
			l.mode = mode
			_, err := a.e.Sync(context.Background())
			if mode == "error" && err == nil {
				t.Fatal("Sync with a lost answer = nil, want the transport error")
			}
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatalf("Sync after a lost answer = %v, want no alarm", err)
			}
			if _, err := c.e.Sync(context.Background()); err != nil {
				t.Fatalf("other device: %v", err)
			}
			if n, _ := a.v.PendingCount(context.Background()); n != 0 {
				t.Errorf("%d writes still pending", n)
			}
			rev, _, _, _ := srv.Note("user1", id1)
			if rev != 2 || c.notes[id1].Body != "second" {
				t.Errorf("server rev %d, other device sees %v; want rev 2 (no second write), body second", rev, c.notes[id1])
			}
		})
	}
}

// countBatches counts the ids each batch request carries.
type countBatches struct {
	Remote
	mu  sync.Mutex
	ids map[string]int
}

func (r *countBatches) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	return r.BatchWritten(ctx, req, func() {})
}

// BatchWritten lets the push send batches before answers (SPEC §10.5.1).
func (r *countBatches) BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error) {
	r.mu.Lock()
	for _, op := range req.Ops {
		r.ids[op.ID]++
	}
	r.mu.Unlock()
	return r.Remote.(batchWriter).BatchWritten(ctx, req, written)
}

// TestEditAfterAckDuringPush: the queue is read a batch at a time while
// earlier batches are on the wire. A note acknowledged in the first batch
// and edited again before the push has read the whole queue is queued
// behind it; it must reach the server as its next revision, on the base
// the acknowledgement recorded, with no conflict and nothing left queued.
func TestEditAfterAckDuringPush(t *testing.T) {
	srv, uid, b := newServer(t)
	w := &countBatches{ids: map[string]int{}}
	a := newSide(t, srv, uid, b, func(r Remote) Remote { w.Remote = r; return w })
	a.e.cfg.BatchSize = 2
	ids := []string{id1, id2, "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"}
	for _, id := range ids {
		a.put(t, id, "first")
	}
	edited := false
	a.e.cfg.Progress = func(done, total int) {
		if !edited && done > 0 { // the push's first batch settled
			edited = true
			a.put(t, id1, "edited after its batch was acknowledged")
		}
	}
	rep, err := a.e.Sync(context.Background())
	if err != nil || rep.Conflicts != 0 || rep.Pushed != len(ids)+1 {
		t.Fatalf("Sync = %+v, %v; want %d pushed, no conflict", rep, err, len(ids)+1)
	}
	if n, err := a.v.PendingCount(context.Background()); err != nil || n != 0 {
		t.Fatalf("%d notes still queued (%v)", n, err)
	}
	for _, id := range ids {
		rev, blob, _, _ := srv.Note("user1", id)
		n, err := a.cd.Open(id, rev, blob)
		want, wantRev := "first", uint64(1)
		if id == id1 {
			want, wantRev = "edited after its batch was acknowledged", 2
		}
		if err != nil || rev != wantRev || n.Body != want {
			t.Errorf("server has %s at rev %d: %v (%v); want rev %d %q", id, rev, n, err, wantRev, want)
		}
		if wantN := int(wantRev); w.ids[id] != wantN { // the push is over
			t.Errorf("%s sent %d times, want %d", id, w.ids[id], wantN)
		}
	}
}

// otherWriterFirst lets another device write before this device's batch
// based on manifest version hold reaches the server, and holds that batch
// (its request already sent whole) until one after it has reached the
// server (or a while has passed: the push must not send it yet).
type otherWriterFirst struct {
	Remote
	hold      uint64
	before    func()
	wrote     chan struct{} // closed once the other device wrote
	once      sync.Once
	later     chan struct{} // closed once a later batch reached the server
	overtaken bool          // a later batch was sent while the held one waited
}

func (r *otherWriterFirst) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	return r.BatchWritten(ctx, req, func() {})
}

func (r *otherWriterFirst) BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error) {
	next := r.Remote.(batchWriter)
	switch base := req.Manifest.BaseVersion; {
	case base < r.hold:
		return next.BatchWritten(ctx, req, written)
	case base > r.hold:
		<-r.wrote
		defer r.once.Do(func() { close(r.later) })
		return next.BatchWritten(ctx, req, written)
	}
	written()
	r.before()
	close(r.wrote)
	select {
	case <-r.later:
		r.overtaken = true
	case <-time.After(500 * time.Millisecond):
	}
	return next.BatchWritten(ctx, req, func() {})
}

// TestNoBatchBeforeItsBase: a push of several batches sends one before
// the previous answer only to a server that checks the base manifest's
// hash (SPEC §10.5.1). Here another device writes the version the second
// batch will write while that batch waits at the server, and the third
// batch goes out meanwhile if the push pipelines. A server that checks
// the base version by number alone would apply the third on top of the
// other device's write, and every device would see a fork: so against an
// old server the push must not send it early; against one that checks the
// hash it may, and the hash refuses it. Either way the next round pulls,
// merges and pushes again, and every device agrees.
func TestNoBatchBeforeItsBase(t *testing.T) {
	for _, tc := range []struct {
		name       string
		noBaseHash bool // the server predates base_hash
		pipelined  bool // the third batch must go before the second's answer
	}{
		{"server checks base_hash", false, true},
		{"old server", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, uid, b := newServer(t)
			srv.SetNoBaseHash(tc.noBaseHash)
			other := newSide(t, srv, uid, b, nil)
			w := &otherWriterFirst{hold: 2, wrote: make(chan struct{}), later: make(chan struct{})}
			a := newSide(t, srv, uid, b, func(r Remote) Remote { w.Remote = r; return w })
			a.e.cfg.BatchSize = 1
			// Both devices start from the same verified manifest.
			other.put(t, id1, "from the other device")
			if _, err := other.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatal(err)
			}
			w.before = func() {
				other.put(t, id1, "the other device again")
				if _, err := other.e.Sync(context.Background()); err != nil {
					t.Errorf("other device's sync: %v", err)
				}
			}
			const id3 = "33333333-3333-4333-8333-333333333333"
			const id4 = "44444444-4444-4444-8444-444444444444"
			want := map[string]string{id1: "the other device again", id2: "first batch", id3: "second batch", id4: "third batch"}
			a.put(t, id2, want[id2])
			a.put(t, id3, want[id3])
			a.put(t, id4, want[id4])
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatalf("a.Sync: %v", err)
			}
			if w.overtaken != tc.pipelined {
				t.Errorf("third batch sent before the second's answer: %v, want %v", w.overtaken, tc.pipelined)
			}
			if _, err := other.e.Sync(context.Background()); err != nil {
				t.Fatalf("other device's next sync: %v", err)
			}
			if _, err := a.e.Sync(context.Background()); err != nil {
				t.Fatalf("a's next sync: %v", err)
			}
			for id, body := range want {
				rev, blob, _, _ := srv.Note("user1", id)
				n, err := a.cd.Open(id, rev, blob)
				if err != nil || n.Body != body {
					t.Errorf("server has %s: %v (%v), want %q", id, n, err, body)
				}
			}
		})
	}
}

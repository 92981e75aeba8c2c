package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"cipherleaf.dev/client/apiclient"
	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/cryptobox"
	"cipherleaf.dev/shared/protocol"
)

// batchWriter is what the push needs to send a batch before the previous
// answer (*apiclient.Client has it).
type batchWriter interface {
	BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error)
}

// pipeRemote is the real API client, recording the order in which atomic
// batches are sent and answered. With reorder set, it holds the second
// batch of a push, saying it was sent, until the third has been sent
// whole, so that the third reaches the server first.
type pipeRemote struct {
	core.Remote
	t       *testing.T
	reorder bool

	mu       sync.Mutex
	events   []string // "send N" / "answer N", N counting batches from 1
	sends    int
	ops      int // over every batch sent
	answered map[int]bool
	third    chan struct{} // closed once the third batch is sent whole
	once     sync.Once
}

func (r *pipeRemote) Batch(ctx context.Context, req protocol.BatchRequest) (*protocol.BatchResponse, error) {
	return r.BatchWritten(ctx, req, func() {})
}

func (r *pipeRemote) BatchWritten(ctx context.Context, req protocol.BatchRequest, written func()) (*protocol.BatchResponse, error) {
	r.mu.Lock()
	r.sends++
	r.ops += len(req.Ops)
	n := r.sends
	r.events = append(r.events, fmt.Sprintf("send %d", n))
	r.mu.Unlock()
	next := r.Remote.(batchWriter)
	switch {
	case r.reorder && n == 2:
		written()
		select {
		case <-r.third:
		case <-time.After(20 * time.Second):
			r.t.Error("the third batch was not sent while the second was held")
		}
		written = func() {}
	case r.reorder && n == 3:
		w := written
		written = func() { w(); r.once.Do(func() { close(r.third) }) }
	}
	resp, err := next.BatchWritten(ctx, req, written)
	r.mu.Lock()
	r.events = append(r.events, fmt.Sprintf("answer %d", n))
	r.answered[n] = true
	r.mu.Unlock()
	return resp, err
}

// overtaken reports whether some batch was sent before the previous
// batch's answer arrived.
func (r *pipeRemote) overtaken() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	answered := map[int]bool{}
	for _, e := range r.events {
		var n int
		if _, err := fmt.Sscanf(e, "send %d", &n); err == nil {
			if n > 1 && !answered[n-1] {
				return true
			}
			continue
		}
		fmt.Sscanf(e, "answer %d", &n)
		answered[n] = true
	}
	return false
}

// pipeDevice is realDevice dialing through a pipeRemote.
func pipeDevice(t *testing.T, reorder bool) (*core.Core, *pipeRemote) {
	t.Helper()
	pr := &pipeRemote{t: t, reorder: reorder, answered: map[int]bool{}, third: make(chan struct{})}
	c, err := core.Open(core.Config{
		ProfileDir: t.TempDir(), Policy: cryptobox.DefaultPolicy, NewParams: floorParams,
		DeviceName: "e2e", APITimeout: 20 * time.Second, APIRetries: -1,
		Dial: func(rc core.RemoteConfig) (core.Remote, error) {
			r, err := apiclient.New(rc)
			pr.Remote = r
			return pr, err
		},
	})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, pr
}

// TestE2EPushPipelines: against the real server, a push of several
// batches sends the next one before the previous answer (the server says
// it checks base_hash, SPEC §10.5.1), also when the third batch reaches
// the server before the second (it waits there for the second to commit).
// Nothing is lost or forked: another device pulls every note and verifies
// the manifest, and both devices sync cleanly afterwards.
func TestE2EPushPipelines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reorder bool
	}{
		{"in order", false},
		{"third batch first at the server", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t)
			a, pr := pipeDevice(t, tc.reorder)
			realRegister(t, a, s, "piper", "pw")
			const notes = 3500 // five batches: a small first one, then up to 1,000
			for i := range notes {
				create(t, a, fmt.Sprint("note ", i), "body")
			}
			rep, err := a.Sync(context.Background())
			if err != nil || rep.Pushed != notes || rep.Conflicts != 0 {
				t.Fatalf("A's push = %+v, %v; want %d pushed, no conflict", rep, err, notes)
			}
			if !pr.overtaken() {
				t.Errorf("no batch was sent before the previous answer: %v", pr.events)
			}
			// Each note went once: no batch was refused and sent again
			// (the overtaking one waited at the server instead).
			if pr.ops != notes || pr.sends < 4 {
				t.Errorf("%d batches of %d notes in all sent, want at least 4 of %d: %v", pr.sends, pr.ops, notes, pr.events)
			}
			b := realDevice(t, t.TempDir())
			realLogin(t, b, s, "piper", "pw")
			mustSync(t, b)
			if n := len(b.List()); n != notes {
				t.Errorf("B holds %d notes, want %d", n, notes)
			}
			create(t, b, "from B", "b")
			mustSync(t, b)
			if rep := mustSync(t, a); rep.Pulled != 1 {
				t.Errorf("A's next sync = %+v, want B's one note pulled", rep)
			}
			if n := len(a.List()); n != notes+1 {
				t.Errorf("A holds %d notes, want %d", n, notes+1)
			}
		})
	}
}

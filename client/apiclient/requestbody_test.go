package apiclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// batchOf returns a batch of n puts whose blobs all repeat fill.
func batchOf(n int, fill byte) protocol.BatchRequest {
	var req protocol.BatchRequest
	for i := range n {
		blob := bytes.Repeat([]byte{fill}, 300)
		req.Ops = append(req.Ops, protocol.BatchOp{Op: protocol.OpPut, ID: fmt.Sprintf("0e3f2a1b-0000-4000-8000-%012d", i), Blob: blob})
	}
	return req
}

// TestBatchBodiesReused: batch bodies are written into buffers the next
// batches reuse, and every batch still reaches the server exactly as
// encoded, whether the calls follow each other or overlap, and when the
// server fails an attempt (the retry reads the body again).
func TestBatchBodiesReused(t *testing.T) {
	var mu sync.Mutex
	failed := map[string]bool{} // bodies whose first attempt got a 503
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req protocol.BatchRequest
		if err := json.Unmarshal(b, &req); err != nil || len(req.Ops) == 0 {
			writeJSON(w, 400, `{"error":"bad body","code":"bad_request"}`)
			return
		}
		fill := req.Ops[0].Blob[0]
		for _, op := range req.Ops {
			if bytes.Count(op.Blob, []byte{fill}) != 300 {
				writeJSON(w, 400, `{"error":"mixed body","code":"bad_request"}`)
				return
			}
		}
		mu.Lock()
		first := !failed[string(b)] && fill%3 == 0
		failed[string(b)] = true
		mu.Unlock()
		if first {
			writeJSON(w, 503, `{}`)
			return
		}
		out := `{"results":[`
		for i, op := range req.Ops {
			if i > 0 {
				out += ","
			}
			out += fmt.Sprintf(`{"id":%q,"status":"ok","rev":1,"seq":%d}`, op.ID, fill)
		}
		writeJSON(w, 200, out+`],"applied":true}`)
	}))
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "A", Refresh: "R"}})
	call := func(fill byte) error {
		resp, err := c.Batch(context.Background(), batchOf(100, fill))
		if err != nil {
			return err
		}
		if resp.Results[0].Seq != uint64(fill) {
			return fmt.Errorf("batch %d answered as batch %d", fill, resp.Results[0].Seq)
		}
		return nil
	}
	for fill := range byte(4) {
		if err := call(fill + 1); err != nil {
			t.Fatal(err)
		}
	}
	if c.requests.take() == nil {
		t.Fatal("no batch body buffer kept for the next batch")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 8 {
				errs <- call(byte(10 + g*8 + i))
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

package apiclient

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// TestBatchWrittenBeforeAnswer: BatchWritten says the request was sent
// whole while the server still holds its answer, once, and the answer
// (with base_hash_checked) arrives after; the base_hash goes out.
func TestBatchWrittenBeforeAnswer(t *testing.T) {
	const id = "0e3f2a1b-0000-4000-8000-000000000001"
	hash := strings.Repeat("ab", 32)
	release := make(chan struct{})
	got := make(chan string, 1)
	srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
		<-release
		writeJSON(w, 200, `{"results":[{"id":"`+id+`","status":"ok","rev":1,"seq":2}],"applied":true,"base_hash_checked":true}`)
	}))
	c := newTestClient(t, srv, Config{Tokens: Tokens{Access: "A", Refresh: "R"}})
	written := make(chan struct{}, 2)
	type answer struct {
		resp *protocol.BatchResponse
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		resp, err := c.BatchWritten(context.Background(), protocol.BatchRequest{
			Ops:      []protocol.BatchOp{{Op: "put", ID: id, Blob: []byte{1}}},
			Manifest: &protocol.PutManifestRequest{BaseVersion: 4, BaseHash: hash, Blob: []byte{2}},
		}, func() { written <- struct{}{} })
		done <- answer{resp, err}
	}()
	<-written // the server has not answered yet: it waits for release
	if body := <-got; !strings.Contains(body, `"base_hash":"`+hash+`"`) {
		t.Errorf("request body %s lacks the base_hash", body)
	}
	select {
	case a := <-done:
		t.Fatalf("answer before the server sent it: %+v", a)
	default:
	}
	close(release)
	a := <-done
	if a.err != nil || !a.resp.Applied || !a.resp.BaseHashChecked {
		t.Fatalf("BatchWritten = %+v, %v", a.resp, a.err)
	}
	if len(written) != 0 {
		t.Errorf("written called %d more times", len(written))
	}
}

package httpapi

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	"cipherleaf.dev/server/internal/procstat"
	"cipherleaf.dev/shared/protocol"
)

// BenchmarkBatch1000 is the server's whole part of one batch of a push
// (issue 20) without TLS: auth, reading and decoding the 1.9 MB body of
// 1,000 new notes of 1,400 bytes (a sealed 1 KiB note) and a manifest, the
// atomic SQLite transaction with its fsync, and the answer. The bodies are
// encoded as the client encodes them (protocol.AppendBatch) before the
// timer starts. cpu-ms is the process's CPU time during the requests,
// the SQLite store's background checkpoints included.
func BenchmarkBatch1000(b *testing.B) {
	en := newEnv(b, func(c *Config) { c.MaxBody = 32 << 20; c.Quota = 0 })
	lr := en.register("bench")
	blob := make([]byte, 1400)
	man := make([]byte, 200)
	n := 0
	var body []byte
	var cpu time.Duration
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		req := protocol.BatchRequest{Ops: make([]protocol.BatchOp, protocol.MaxBatchOps)}
		for i := range req.Ops {
			blob[n%len(blob)]++
			req.Ops[i] = protocol.BatchOp{Op: protocol.OpPut, ID: noteID(n), Blob: blob}
			n++
		}
		req.Manifest = &protocol.PutManifestRequest{BaseVersion: uint64(n/protocol.MaxBatchOps - 1), Blob: man}
		body = protocol.AppendBatch(body[:0], req)
		hr := httptest.NewRequest("POST", "/api/v1/notes/batch", bytes.NewReader(body))
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer "+lr.AccessToken)
		rec := httptest.NewRecorder()
		b.StartTimer()
		cpu0 := procstat.CPU()
		en.e.ServeHTTP(rec, hr)
		cpu += procstat.CPU() - cpu0
		if rec.Code != 200 || !bytes.Contains(rec.Body.Bytes(), []byte(`"applied":true`)) {
			b.Fatalf("batch = %d %.200s", rec.Code, rec.Body)
		}
	}
	b.SetBytes(int64(len(body)))
	b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/op")
}

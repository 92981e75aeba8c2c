package apiclient

import (
	"encoding/json"
	"fmt"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

// BenchmarkDecodeChanges decodes a page of 5000 changes with 1 KiB blobs
// (a fresh device pulls 10,000 notes in two such pages).
func BenchmarkDecodeChanges(b *testing.B) {
	page := protocol.ChangesResponse{Next: 5000, More: true}
	blob := make([]byte, 1024+16+24+1)
	for i := range 5000 {
		page.Changes = append(page.Changes, protocol.Change{ID: fmt.Sprintf("0e3f2a1b-0000-4000-8000-%012d", i), Rev: 1, Seq: uint64(i + 1), Blob: blob})
	}
	body, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var out protocol.ChangesResponse
		if err := decodeJSON(body, &out); err != nil {
			b.Fatal(err)
		}
	}
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"

	"cipherleaf.dev/shared/protocol"
)

func TestAppendBatchResponse(t *testing.T) {
	id := "11111111-1111-4111-8111-111111111111"
	for _, tc := range []struct {
		name string
		r    protocol.BatchResponse
	}{
		{"empty", protocol.BatchResponse{Results: []protocol.BatchResult{}, Applied: true}},
		{"nil results", protocol.BatchResponse{}},
		{"ok", protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: protocol.StatusOK, Rev: 1, Seq: 1 << 62}, {ID: id, Status: protocol.StatusOK, Rev: 2, Seq: 7}}, Applied: true}},
		{"not applied", protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: protocol.StatusOK}}, Manifest: &protocol.Manifest{Version: 3, Blob: []byte{0, 1, 2}}}},
		{"conflict", protocol.BatchResponse{Results: []protocol.BatchResult{
			{ID: id, Status: protocol.StatusConflict, Current: &protocol.Change{ID: id, Rev: 4, Seq: 9, Blob: []byte("xyz")}},
			{ID: id, Status: protocol.StatusConflict, Current: &protocol.Change{ID: id, Rev: 5, Seq: 10, Deleted: true}},
		}, Applied: true}},
		{"hash checked", protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: protocol.StatusOK, Rev: 1, Seq: 2}}, Applied: true, BaseHashChecked: true}},
		{"hash checked refused", protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: protocol.StatusOK}}, Manifest: &protocol.Manifest{Version: 3, Blob: []byte{9}}, BaseHashChecked: true}},
		{"escaped", protocol.BatchResponse{Results: []protocol.BatchResult{{ID: "a\"<&>\\\n\u00e9", Status: "s\x00"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkAppendBatchResponse(t, &tc.r)
		})
	}
}

func checkAppendBatchResponse(t *testing.T, r *protocol.BatchResponse) {
	t.Helper()
	want, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendBatchResponse(nil, r)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("appendBatchResponse(%+v) = %s, %v; want %s", r, got, err, want)
	}
}

func FuzzAppendBatchResponse(f *testing.F) {
	f.Add("11111111-1111-4111-8111-111111111111", "ok", uint64(1), uint64(2), false, true, []byte(nil))
	f.Add("a\"<&>\\\n\u00e9", "conflict", uint64(0), uint64(1<<63), true, false, []byte("blob"))
	f.Fuzz(func(t *testing.T, id, status string, rev, seq uint64, current, applied bool, blob []byte) {
		r := protocol.BatchResponse{Results: []protocol.BatchResult{{ID: id, Status: status, Rev: rev, Seq: seq}, {ID: status, Status: id, Rev: seq}}, Applied: applied, BaseHashChecked: rev%2 == 1}
		if current {
			r.Results[0].Current = &protocol.Change{ID: id, Rev: rev, Blob: blob, Deleted: blob == nil}
			r.Manifest = &protocol.Manifest{Version: seq, Blob: blob}
		}
		checkAppendBatchResponse(t, &r)
	})
}

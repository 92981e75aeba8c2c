package attach

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestStageCommitDiscard: staged blobs are invisible (not Has, not pending
// upload) until Commit, which makes a whole batch readable and pending;
// Discard leaves nothing behind.
func TestStageCommitDiscard(t *testing.T) {
	s := testStore(t)
	var staged []Staged
	var data [][]byte
	for range 20 {
		p, d := writeFile(t, 70000)
		st, err := s.Stage(testUser, p)
		if err != nil {
			t.Fatal(err)
		}
		staged, data = append(staged, st), append(data, d)
	}
	for _, st := range staged {
		if s.Has(st.Ref.ID) {
			t.Fatalf("staged blob %s is in the store before Commit", st.Ref.ID)
		}
	}
	if ups, _ := s.PendingUploads(); len(ups) != 0 {
		t.Fatalf("PendingUploads before Commit = %v", ups)
	}
	if err := s.Commit(staged); err != nil {
		t.Fatal(err)
	}
	ups, _ := s.PendingUploads()
	for i, st := range staged {
		var out bytes.Buffer
		if err := s.Open(testUser, st.Ref, &out); err != nil || !bytes.Equal(out.Bytes(), data[i]) {
			t.Errorf("blob %d after Commit: %v", i, err)
		}
		if !slices.Contains(ups, st.Ref.ID) {
			t.Errorf("blob %d not pending upload after Commit", i)
		}
	}

	p, _ := writeFile(t, 10)
	st, err := s.Stage(testUser, p)
	if err != nil {
		t.Fatal(err)
	}
	s.Discard([]Staged{st})
	left, _ := filepath.Glob(filepath.Join(s.dir, "*.tmp"))
	if len(left) != 0 || s.Has(st.Ref.ID) {
		t.Errorf("after Discard: temporary files %v, in store %v", left, s.Has(st.Ref.ID))
	}

	// A staged blob whose temporary file is gone fails the whole Commit,
	// and the others are not left behind either.
	var two []Staged
	for range 2 {
		p, _ := writeFile(t, 100)
		st, err := s.Stage(testUser, p)
		if err != nil {
			t.Fatal(err)
		}
		two = append(two, st)
	}
	os.Remove(two[1].tmp)
	if err := s.Commit(two); err == nil {
		t.Fatal("Commit with a missing staged file succeeded")
	}
	left, _ = filepath.Glob(filepath.Join(s.dir, "*.tmp"))
	if len(left) != 0 || s.Has(two[0].Ref.ID) || s.Has(two[1].Ref.ID) {
		t.Errorf("after a failed Commit: temporary files %v, first in store %v", left, s.Has(two[0].Ref.ID))
	}
}

package attach

import (
	"bytes"
	"errors"
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

// TestStageBlob: a blob sealed for another user (a backup's) is staged
// under a new id and key with the same name, type, size and hash, and
// opens to the same content after Commit; a blob that does not open as
// its reference says is ErrTampered and leaves nothing behind.
func TestStageBlob(t *testing.T) {
	const fromUser = "6f0c8a4e-2d1b-4c3a-9e8f-7a6b5c4d3e2f"
	src := testStore(t)
	p, data := writeFile(t, 150000)
	ref, err := src.Seal(fromUser, p)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := os.ReadFile(src.blobPath(ref.ID))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		from    string
		blob    func() []byte
		wantErr error
	}{
		{"as sealed", fromUser, func() []byte { return blob }, nil},
		{"another sender", testUser, func() []byte { return blob }, ErrTampered},
		{"flipped byte", fromUser, func() []byte {
			b := bytes.Clone(blob)
			b[len(b)/2] ^= 1
			return b
		}, ErrTampered},
		{"cut short", fromUser, func() []byte { return blob[:len(blob)-100] }, ErrTampered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testStore(t)
			st, err := s.StageBlob(testUser, tc.from, ref, bytes.NewReader(tc.blob()))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("StageBlob(%s) = %v, want %v", tc.name, err, tc.wantErr)
			}
			if tc.wantErr != nil {
				if left, _ := filepath.Glob(filepath.Join(s.dir, "*")); len(left) != 0 {
					t.Errorf("StageBlob(%s) left %v", tc.name, left)
				}
				return
			}
			got := st.Ref
			if got.ID == "" || len(got.Key) != len(ref.Key) || bytes.Equal(got.Key, ref.Key) || got.Name != ref.Name || got.Type != ref.Type ||
				got.Size != ref.Size || got.Chunks != ref.Chunks || got.SHA256 != ref.SHA256 {
				t.Errorf("StageBlob ref = %+v, want a new key and the rest of %+v", got, ref)
			}
			if err := s.Commit([]Staged{st}); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := s.Open(testUser, got, &out); err != nil || !bytes.Equal(out.Bytes(), data) {
				t.Errorf("Open(staged blob) = %v, same content %v", err, bytes.Equal(out.Bytes(), data))
			}
		})
	}
}

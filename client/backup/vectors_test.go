package backup

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"cipherleaf.dev/client/manifest"
	"cipherleaf.dev/shared/cryptobox"
)

// TestBackupVectors reads the backup file made by the independent generator
// (shared/testdata/gen, written from SPEC §9 alone): it must open with the
// password and with the recovery key, restore exactly the notes listed, and
// refuse the tampered variants.
func TestBackupVectors(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "backup.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Password    string `json:"password"`
		RecoveryKey string `json:"recovery_key"`
		File        string `json:"file"`
		Notes       []struct {
			Title string   `json:"title"`
			Body  string   `json:"body"`
			Tags  []string `json:"tags"`
		} `json:"notes"`
		Tampered []struct {
			Name string `json:"name"`
			File string `json:"file"`
		} `json:"tampered"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []struct{ name, s string }{{"password", v.Password}, {"recovery key", v.RecoveryKey}} {
		t.Run(secret.name, func(t *testing.T) {
			notes, err := Read(strings.NewReader(v.File), []byte(secret.s), cryptobox.InsecureTestPolicy)
			if err != nil {
				t.Fatalf("Read(%s) = %v", secret.name, err)
			}
			if len(notes) != len(v.Notes) {
				t.Fatalf("Read(%s) = %d notes, want %d", secret.name, len(notes), len(v.Notes))
			}
			for i, n := range notes {
				w := v.Notes[i]
				if n.Title != w.Title || n.Body != w.Body || !slices.Equal(n.Tags, w.Tags) {
					t.Errorf("note %d = %q %q %v, want %q %q %v", i, n.Title, n.Body, n.Tags, w.Title, w.Body, w.Tags)
				}
			}
		})
	}
	if _, err := Read(strings.NewReader(v.File), []byte("wrong password"), cryptobox.InsecureTestPolicy); !errors.Is(err, ErrWrongSecret) {
		t.Errorf("Read(wrong password) = %v, want %v", err, ErrWrongSecret)
	}
	for _, tm := range v.Tampered {
		t.Run(tm.Name, func(t *testing.T) {
			if _, err := Read(strings.NewReader(tm.File), []byte(v.Password), cryptobox.InsecureTestPolicy); !errors.Is(err, manifest.ErrTamperedNote) {
				t.Errorf("Read(%s) = %v, want %v", tm.Name, err, manifest.ErrTamperedNote)
			}
		})
	}
}

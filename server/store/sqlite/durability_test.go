package sqlite

import (
	"context"
	"path/filepath"
	"testing"
)

func TestParseDurability(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Durability
		wantErr bool
	}{
		{"power", DurablePowerLoss, false},
		{"process", DurableProcessCrash, false},
		{"", 0, true},
		{"FULL", 0, true},
		{"normal", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDurability(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("ParseDurability(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
			if err == nil && got.String() != tc.in {
				t.Fatalf("%v.String() = %q, want %q", got, got.String(), tc.in)
			}
		})
	}
}

// TestDurabilityPragma checks the writer connection's synchronous setting
// for each Durability (2 = FULL, 1 = NORMAL); the fsync count itself is
// checked end to end in cmd/cipherleafd.
func TestDurabilityPragma(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Durability
		want int
	}{
		{"zero value", Options{}.Durability, 2},
		{"power", DurablePowerLoss, 2},
		{"process", DurableProcessCrash, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "db.sqlite"), Options{Durability: tc.d})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got int
			if err := s.w.QueryRow(`PRAGMA synchronous`).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("PRAGMA synchronous with %v = %d, want %d", tc.d, got, tc.want)
			}
			var mode string
			if err := s.w.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
			}
		})
	}
}

package note

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTrashAndNotebookFields(t *testing.T) {
	nb := "0a1b2c3d-4e5f-4a6b-8c7d-000000000001"
	trashed := time.Date(2026, 11, 24, 10, 0, 0, 0, time.FixedZone("x", 7200))
	tests := []struct {
		name     string
		n        *Note
		wantJSON []string // substrings of the payload
		absent   []string // field names that must not appear
	}{
		{"plain note keeps its bytes", sample(), nil, []string{`"kind"`, `"notebook"`, `"trashed_at"`, `"device"`, `"trash_days"`}},
		{"device named", func() *Note {
			n := sample()
			n.Device = "Cipherleaf on Linux"
			return n
		}(), []string{`"device":"Cipherleaf on Linux"`}, []string{`"kind"`}},
		{"trashed in a notebook", func() *Note {
			n := sample()
			n.Notebook, n.TrashedAt = nb, trashed
			return n
		}(), []string{`"notebook":"` + nb + `"`, `"trashed_at":"2026-11-24T08:00:00Z"`}, []string{`"kind"`}},
		{"notebook item", &Note{Kind: KindNotebook, Title: "Work", Notebook: nb},
			[]string{`"kind":"notebook"`}, []string{`"trashed_at"`}},
		{"settings item", &Note{Kind: KindSettings, TrashDays: 7},
			[]string{`"kind":"settings"`, `"trash_days":7`}, []string{`"notebook"`, `"trashed_at"`}},
		{"settings item without trash_days", &Note{Kind: KindSettings},
			[]string{`"kind":"settings"`}, []string{`"trash_days"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.n.Marshal()
			if err != nil {
				t.Fatalf("Marshal() error = %v", err)
			}
			for _, w := range tt.wantJSON {
				if !strings.Contains(string(data), w) {
					t.Errorf("Marshal() = %s, want it to contain %s", data, w)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(string(data), a) {
					t.Errorf("Marshal() = %s, want no %s", data, a)
				}
			}
			got, err := Unmarshal(data)
			if err != nil || !equal(got, tt.n) {
				t.Fatalf("Unmarshal(%s) = %+v, %v, want %+v", data, got, err, tt.n)
			}
			if got.Trashed() != !tt.n.TrashedAt.IsZero() || got.IsNotebook() != (tt.n.Kind == KindNotebook) {
				t.Errorf("Trashed/IsNotebook of %s wrong", data)
			}
		})
	}
}

func TestNotebookFieldInvalid(t *testing.T) {
	for _, s := range []string{`{"v":1,"notebook":"work"}`, `{"v":1,"notebook":"0A1B2C3D-4E5F-4A6B-8C7D-000000000001"}`,
		`{"v":1,"trashed_at":"10000-01-01T00:00:00Z"}`, `{"v":1,"kind":7}`, `{"v":1,"device":7}`,
		`{"v":1,"device":"` + strings.Repeat("d", 129) + `"}`,
		`{"v":1,"kind":"settings","trash_days":7.5}`, `{"v":1,"kind":"settings","trash_days":"7"}`} {
		if _, err := Unmarshal([]byte(s)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Unmarshal(%s) error = %v, want ErrInvalid", s, err)
		}
	}
}

func TestTrashDaysOr(t *testing.T) {
	tests := []struct {
		name string
		n    *Note
		want int
	}{
		{"no item", nil, DefaultTrashDays},
		{"absent", &Note{Kind: KindSettings}, DefaultTrashDays},
		{"set", &Note{Kind: KindSettings, TrashDays: 7}, 7},
		{"lowest", &Note{Kind: KindSettings, TrashDays: 1}, 1},
		{"highest", &Note{Kind: KindSettings, TrashDays: MaxTrashDays}, MaxTrashDays},
		{"above the limit", &Note{Kind: KindSettings, TrashDays: MaxTrashDays + 1}, DefaultTrashDays},
		{"negative", &Note{Kind: KindSettings, TrashDays: -1}, DefaultTrashDays},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.n.TrashDaysOr(); got != tt.want {
				t.Errorf("TrashDaysOr(%+v) = %d, want %d", tt.n, got, tt.want)
			}
		})
	}
}

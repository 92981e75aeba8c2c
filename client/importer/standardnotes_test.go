package importer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStandardNotesFixture(t *testing.T) {
	var c collected
	zip := fixtures(t, "standardnotes", "Standard Notes Backup - Tue Aug 29 2023 08_51_11 GMT-0700.zip")
	if err := ReadStandardNotes(zip, &c); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ title, tags, body, uuid, created string }{
		{"Ithaka", "poems", "As you set out for Ithaka\nhope your road is a long one,", "7e31caac-8cc4-4877-8433-ae41cbfcc6be", "2023-08-29T15:47:49.952Z"},
		{"Four Quartets - TS Elliot", "poems", "Burnt Norton\n\nI\n\nTime present and time past", "f7718ed5-8d02-4a73-83de-e6c6ce218c9b", "2023-08-29T15:48:07.887Z"},
		{"Because I Could not Stop for Death", "poems", "Because I could not stop for Death", "9dad9dac-2866-4a98-bc39-81704edb5578", ""},
		{"Even darkness must pass", "quotes", "\u2014 Samwise Gamgee", "cfc719d7-c2fd-44db-a09b-ed7206e35e60", ""},
		{"Shoulder to the Stone", "quotes", "It is neither our position nor our circumstances", "197dea8c-c6df-46ce-a43e-7ba8b0cb820e", ""},
		{"Specialization", "quotes", "A human being should be able to change a diaper", "b2836f3d-5325-4a9a-8bd7-739952147f82", ""},
	}
	if len(c.notes) != len(tests) {
		t.Fatalf("%d notes, want %d", len(c.notes), len(tests))
	}
	for i, tt := range tests {
		n := c.notes[i]
		if n.Title != tt.title || strings.Join(n.Tags, ",") != tt.tags || !strings.Contains(n.Body, tt.body) || n.Source != "standardnotes:"+tt.uuid {
			t.Errorf("note %d = %q tags %q source %s; want %q tags %q", i, n.Title, n.Tags, n.Source, tt.title, tt.tags)
		}
		if tt.created != "" && n.Created.Format(time.RFC3339Nano) != tt.created {
			t.Errorf("%s created %v", tt.title, n.Created)
		}
	}
	if strings.Join(c.skipped, ";") != "SN|UserPreferences: not a note" {
		t.Errorf("skipped %q", c.skipped)
	}
}

// TestStandardNotesCases uses minimal backups written from the documented
// format (version 004: items with uuid, content_type, content).
func TestStandardNotesCases(t *testing.T) {
	tests := []struct {
		name, in, refused string
		tags              string // of the first note
		skipped           int
	}{
		{name: "dotted and nested tags, pinned, archived",
			in: `{"version":"004","items":[
{"uuid":"n1","content_type":"Note","content":{"title":"A","text":"x","references":[],"appData":{"org.standardnotes.sn":{"pinned":true,"archived":true}}}},
{"uuid":"t1","content_type":"Tag","content":{"title":"work.projects","references":[{"uuid":"n1","content_type":"Note"}]}},
{"uuid":"t2","content_type":"Tag","content":{"title":"parent","references":[]}},
{"uuid":"t3","content_type":"Tag","content":{"title":"child","references":[{"uuid":"t2","content_type":"Tag","reference_type":"TagToParentTag"},{"uuid":"n1","content_type":"Note"}]}},
{"uuid":"c1","content_type":"SN|Component","content":{}},
{"uuid":"c2","content_type":"SN|Theme","content":{}}]}`,
			tags: "parent/child,work/projects,standardnotes:pinned,standardnotes:archived", skipped: 2},
		{name: "encrypted", in: `{"version":"004","keyParams":{"identifier":"a"},"items":[{"uuid":"x","content_type":"Note","content":"004:abc"}]}`, refused: "encrypted: export a decrypted backup"},
		{name: "not JSON", in: `<xml/>`, refused: "not JSON"},
		{name: "truncated", in: `{"version":"004","items":[{"uuid":`, refused: "not JSON (or truncated)"},
		{name: "no items", in: `{"a":1}`, refused: "no items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), snBackupFile)
			os.WriteFile(p, []byte(tt.in), 0o600)
			var c collected
			err := ReadStandardNotes(p, &c)
			if tt.refused != "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("err %v, want %q", err, tt.refused)
				}
				return
			}
			if err != nil || len(c.notes) != 1 || strings.Join(c.notes[0].Tags, ",") != tt.tags || len(c.skipped) != tt.skipped {
				t.Fatalf("err %v notes %+v skipped %q", err, c.notes, c.skipped)
			}
		})
	}
}

func FuzzStandardNotes(f *testing.F) {
	f.Add(`{"version":"004","items":[{"uuid":"n1","content_type":"Note","content":{"title":"A","text":"x"}},{"uuid":"t","content_type":"Tag","content":{"title":"a.b","references":[{"uuid":"t","content_type":"Tag","reference_type":"TagToParentTag"},{"uuid":"n1","content_type":"Note"}]}}]}`)
	f.Add(`{"items":[]}`)
	f.Fuzz(func(t *testing.T, in string) {
		p := filepath.Join(t.TempDir(), "b.txt")
		os.WriteFile(p, []byte(in), 0o600)
		var c collected
		_ = ReadStandardNotes(p, &c)
		for _, n := range c.notes {
			if !strings.HasPrefix(n.Source, "standardnotes:") {
				t.Fatal(n.Source)
			}
		}
	})
}

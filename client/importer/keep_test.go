package importer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestKeepFixtures reads the Keep fixture folder (note JSON files; the
// export's image and audio files are not in it, so each is reported missing).
func TestKeepFixtures(t *testing.T) {
	var c collected
	if err := ReadKeep(fixtures(t, "keep"), &c); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		title, tags, body, created string
	}{
		{"2023-08-01T14_29_43.842+10_00", "", "This note has a drawing but no title", "2023-07-28T03:21:07Z"},
		{"Archived note", "keep:archived", "This note was archived in Google Keep before export.", "2023-07-28T03:27:38Z"},
		{"Background colour note", "", "This note is red", ""},
		{"Checklist note", `labelWith!'@:$"Symbols`, "- [ ] First item\n- [ ] Second item and #hashtag\n- [ ] First sub-item\n", ""},
		{"Deleted note", "keep:trashed", "This note was deleted in Google Keep before export.", ""},
		{"Drawings (multiple) note", "", "This is the body text.", ""},
		{"Hashtags & labels note", `!'@:$"LabelStartingWithSymbols,92labelStartingWithNumber,hyphenated-label,label with spaces,labelWith!'@:$"Symbols,camelCaseLabel,LabelWith#Inside,label with !'@:$" Symbols and spaces`, "This note with hashtags and labels.", ""},
		{"Image, label, and body text note", "label", "This is the body text.", ""},
		{"Invalid title characters note !@#$%^&*()_+~`{}[]\\|;:'<>',./?/*-+", "", "These are the characters that were in the title:", ""},
		{"Labelled note", `label with !'@:$" Symbols,Underscored_Label,hyphenated-label,label with spaces,label,camelCaseLabel`, "This is a plain text note with various labels.", ""},
		{"Multiline title note Second line", "", "This note has a forced new line in its title.", ""},
		{"Pinned text note", "keep:pinned", "This note is just a plain simple text note that is pinned.", ""},
		{"Voice recording", "", "This is a voice note made directly in Google Keep", ""},
	}
	if len(c.notes) != len(tests) {
		t.Fatalf("%d notes, want %d", len(c.notes), len(tests))
	}
	for i, tt := range tests {
		n := c.notes[i]
		if n.Title != tt.title || strings.Join(n.Tags, ",") != tt.tags || !strings.Contains(n.Body, tt.body) || len(n.Attachments) != 0 {
			t.Errorf("note %d = %q tags %q atts %d body %q; want %q tags %q body with %q", i, n.Title, n.Tags, len(n.Attachments), n.Body, tt.title, tt.tags, tt.body)
		}
		if tt.created != "" && n.Created.Format(time.RFC3339) != tt.created {
			t.Errorf("%s: created %v, want %s", tt.title, n.Created, tt.created)
		}
		if !strings.HasPrefix(n.Source, "keep:") {
			t.Errorf("source %q", n.Source)
		}
	}
	want := []string{
		"2023-08-01T14_29_43.842+10_00: 1690514441523.1361766539.png: attachment missing from the export",
		"Drawings (multiple) note: 1690514342456.1074605235.png: attachment missing from the export",
		"Drawings (multiple) note: 1690514400167.1149307624.png: attachment missing from the export",
		"Image, label, and body text note: 1690514572032.76900194.png: attachment missing from the export",
		"Voice recording: 1690859067849.259766.1353747803.3gp: attachment missing from the export",
	}
	if strings.Join(c.skipped, "\n") != strings.Join(want, "\n") {
		t.Errorf("skipped:\n%s\nwant:\n%s", strings.Join(c.skipped, "\n"), strings.Join(want, "\n"))
	}
}

// TestKeepZip: a minimal Takeout zip made from the format the fixtures
// show (Takeout/Keep/NAME.json beside its attachment), since no fixture has
// the attachment files.
func TestKeepZip(t *testing.T) {
	zip := writeZip(t, map[string]string{
		"Takeout/Keep/Photo.json": `{"title":"Photo","textContent":"see","attachments":[{"filePath":"p.png","mimetype":"image/png"}],"createdTimestampUsec":1,"userEditedTimestampUsec":2}`,
		"Takeout/Keep/p.png":      "PNGDATA",
		"Takeout/Keep/Labels.txt": "x",
	})
	var c collected
	if err := ReadKeep(zip, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.notes) != 1 || len(c.data[0]) != 1 || string(c.data[0][0]) != "PNGDATA" || !strings.Contains(c.notes[0].Body, "see\n\n![](attachment:import-0)") {
		t.Fatalf("notes %+v data %q", c.notes, c.data)
	}
	for _, bad := range []map[string]string{{"a.json": "not json"}, {"x.txt": "x"}} {
		var c collected
		err := ReadKeep(writeZip(t, bad), &c)
		if !errors.Is(err, ErrRefused) {
			t.Errorf("ReadKeep(%v) = %v, want refusal", bad, err)
		}
	}
}

func FuzzKeepNote(f *testing.F) {
	f.Add(`{"title":"a","listContent":[{"text":"x","isChecked":true}],"labels":[{"name":"l"}],"attachments":[{"filePath":"p.png","mimetype":"image/png"}]}`)
	f.Add(`{"textContent":"x","isTrashed":true,"createdTimestampUsec":-5}`)
	f.Fuzz(func(t *testing.T, in string) {
		tr := &tree{files: map[string]treeFile{"n.json": {size: int64(len(in)), open: bytesOpener([]byte(in))}}}
		var c collected
		raw, _ := tr.read("n.json", maxKeepJSON)
		var kn keepNote
		if json.Unmarshal(raw, &kn) != nil {
			return
		}
		n := kn.convert(tr, "n.json", &c)
		if n.Source == "" || n.Title == "" {
			t.Fatalf("note %+v", n)
		}
	})
}

package ui

import (
	"os"

	"fyne.io/fyne/v2/test"

	"cipherleaf.dev/client/importer"
	"path/filepath"
	"strings"
	"testing"
)

const twoNotesENEX = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export3.dtd">
<en-export export-date="20240101T000000Z" application="Evernote" version="10.0">
<note><title>Shopping</title><content><![CDATA[<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd"><en-note><div>Milk and <b>bread</b></div></en-note>]]></content><created>20240101T100000Z</created><updated>20240102T100000Z</updated><tag>home</tag></note>
<note><title>Plans</title><content><![CDATA[<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd"><en-note><ul><li>Paint the fence</li></ul></en-note>]]></content><created>20240103T100000Z</created><updated>20240103T100000Z</updated></note>
</en-export>
`

// importedNotes returns the fake vault's notes that came from an import.
func importedNotes(api *fakeAPI) map[string]string {
	api.mu.Lock()
	defer api.mu.Unlock()
	got := map[string]string{}
	for _, n := range api.notes {
		if n.Source != "" {
			got[n.Title] = n.Body + " tags:" + strings.Join(n.Tags, ",")
		}
	}
	return got
}

// TestImportFromAnotherApp: Settings → "Import from another app…" reads an
// Evernote export into the vault, under the notebook typed in the dialog,
// and says what it did. Importing the same file again adds nothing.
func TestImportFromAnotherApp(t *testing.T) {
	h, api := openSettings(t)
	path := filepath.Join(t.TempDir(), "Evernote.enex")
	if err := os.WriteFile(path, []byte(twoNotesENEX), 0o600); err != nil {
		t.Fatal(err)
	}

	// A dry run first: it counts and writes nothing.
	h.tap("Import from another app…")
	h.mustShow("Import from another app")
	h.mustShow("Choose a file or folder to import.")
	if !h.button("Import").Disabled() {
		t.Error("Import is enabled with no file chosen")
	}
	h.typeInto(h.entry("File or folder to import"), path)
	test.Tap(h.check("Only count what would be imported (dry run: nothing is written)"))
	h.tap("Import")
	h.mustShow("Dry run finished: nothing was written")
	h.mustShow("would import 2 notes")
	if n := len(importedNotes(api)); n != 0 || api.called("ImportNotes") != 0 {
		t.Fatalf("a dry run wrote %d notes", n)
	}
	h.tap("OK")

	h.tap("Import from another app…")
	h.typeInto(h.entry("File or folder to import"), path)
	h.typeInto(h.entry("Notebook to put everything under (optional)"), "From Evernote")
	h.tap("Import")
	h.mustShow("Import finished")
	h.mustShow("imported 2 notes")

	got := importedNotes(api)
	if len(got) != 2 || !strings.Contains(got["Shopping"], "Milk and **bread**") || !strings.Contains(got["Plans"], "Paint the fence") {
		t.Fatalf("imported notes = %q, want Shopping and Plans converted to Markdown", got)
	}
	if !strings.Contains(got["Shopping"], "home") || !strings.Contains(got["Shopping"], "notebook:From Evernote") {
		t.Errorf("Shopping = %q, want its tag and the notebook typed in the dialog", got["Shopping"])
	}
	h.tap("OK")

	h.tap("Import from another app…")
	h.typeInto(h.entry("File or folder to import"), path)
	h.tap("Import")
	h.mustShow("already imported before (left as they are): 2 notes")
	if n := len(importedNotes(api)); n != 2 {
		t.Errorf("%d imported notes after importing the file again, want 2", n)
	}
}

// TestImportRefusals: a missing file, a file that is no export and a
// Cipherleaf backup each get their own words in the dialog, which stays
// open with what was typed; nothing is written.
func TestImportRefusals(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "notes.enex")
	if err := os.WriteFile(garbage, []byte("<en-export><note><title>x</title><content>"), 0o600); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.cipherleaf")
	if err := os.WriteFile(backup, []byte(importer.BackupHeader+"\x00rest of a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(dir, "nothing-here.enex"), "nothing-here.enex"},
		{"malformed ENEX", garbage, "Cannot import"},
		{"Cipherleaf backup", backup, "Import backup…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, api := openSettings(t)
			h.tap("Import from another app…")
			h.typeInto(h.entry("File or folder to import"), tt.path)
			h.tap("Import")
			h.mustNotShow("Import finished")
			if !h.shows(tt.want) {
				t.Errorf("after importing %s the dialog shows %q, want words with %q", tt.name, h.texts(), tt.want)
			}
			if got := h.entry("File or folder to import").Text; got != tt.path {
				t.Errorf("path field = %q after the refusal, want what was typed", got)
			}
			if n := len(importedNotes(api)); n != 0 || api.called("ImportNotes") != 0 {
				t.Errorf("%d notes written by a refused import", n)
			}
		})
	}
}

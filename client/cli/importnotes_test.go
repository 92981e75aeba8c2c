package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportCommand(t *testing.T) {
	fixtures := filepath.Join("..", "..", "..", "shared", "fixtures", "import")
	if _, err := os.Stat(fixtures); os.IsNotExist(err) {
		t.Skip("../shared/fixtures/import is absent beside the repository")
	}
	backup := filepath.Join(t.TempDir(), "notes.backup")
	os.WriteFile(backup, []byte("CIPHERLEAF-BACKUP 1\n{}"), 0o600)
	pwEnv := map[string]string{EnvPassword: "pw"}
	tests := []struct {
		name           string
		args           []string
		fails          bool
		wantOut        []string
		wantErr        string
		wantCallPrefix string
	}{
		{name: "dry run, detected", args: []string{"import", "--dry-run", filepath.Join(fixtures, "enex", "test-tana-02.enex")},
			wantOut: []string{"would import 7 notes, 1 notebooks, 2 tags, 0 attachments\n"}, wantErr: "reading " + filepath.Join(fixtures, "enex", "test-tana-02.enex") + " as enex"},
		{name: "dry run with notebook, skipped items", args: []string{"import", "--from", "standardnotes", "--notebook", "Old", "--dry-run",
			filepath.Join(fixtures, "standardnotes", "Standard Notes Backup - Tue Aug 29 2023 08_51_11 GMT-0700.zip")},
			wantOut: []string{"would import 6 notes, 1 notebooks, 2 tags, 0 attachments\n", "skipped 1 items:\n  SN|UserPreferences: not a note\n"}},
		{name: "keep lists missing attachments", args: []string{"import", "--dry-run", filepath.Join(fixtures, "keep")},
			wantOut: []string{"would import 13 notes", "Voice recording: 1690859067849.259766.1353747803.3gp: attachment missing from the export"}},
		{name: "encrypted backup still detected", args: []string{"import", backup}, wantCallPrefix: "Import " + backup},
		{name: "refusal", args: []string{"import", "--from", "enex", "--dry-run", filepath.Join(fixtures, "keep", "Archived note.json")},
			fails: true, wantErr: "not XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			out, errOut, err, _ := run(t, f, pwEnv, "", nil, append([]string{"--profile", "/prof"}, tt.args...)...)
			if (err != nil) != tt.fails {
				t.Fatalf("err = %v, want failure %v (stderr %q, stdout %q)", err, tt.fails, errOut, out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout %q lacks %q", out, w)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
			if tt.wantCallPrefix != "" && !strings.Contains(strings.Join(f.calls, "\n"), tt.wantCallPrefix) {
				t.Errorf("calls %q lack %q", f.calls, tt.wantCallPrefix)
			}
		})
	}
}

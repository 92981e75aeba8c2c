package core_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/importer"
	"cipherleaf.dev/client/internal/fakeremote"
	"cipherleaf.dev/shared/note"
)

func importFixtures(t *testing.T, parts ...string) string {
	t.Helper()
	root := filepath.Join("..", "..", "..", "shared", "fixtures", "import")
	if _, err := os.Stat(root); os.IsNotExist(err) {
		t.Skip("../shared/fixtures/import is absent beside the repository")
	}
	return filepath.Join(append([]string{root}, parts...)...)
}

func runImport(t *testing.T, c *core.Core, f importer.Format, path string) importer.Summary {
	t.Helper()
	r := importer.NewRunner(c, c.ImportNotebooks(), importer.Options{})
	if err := r.Import(f, path); err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	return r.Sum
}

func byTitle(t *testing.T, c *core.Core) map[string]*note.Note {
	t.Helper()
	out := map[string]*note.Note{}
	for _, info := range c.List() {
		n, err := c.Get(info.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[n.Title] = n
	}
	return out
}

var attLinkRE = regexp.MustCompile(`\(attachment:([0-9a-f-]{36})\)`)
var noteLinkRE = regexp.MustCompile(`\[([^\]]*)\]\(note:([0-9a-f-]{36})\)`)

func TestImportIntoVault(t *testing.T) {
	srv := fakeremote.New()
	c := device(t, srv, t.TempDir())
	register(t, c, srv, "importer", "pw")
	existing := create(t, c, "test - note with picture", "mine, not imported")

	sum := runImport(t, c, importer.ENEX, importFixtures(t, "enex", "test-twoNotes.enex"))
	if sum.Notes != 2 || sum.Attachments != 1 || sum.Existing != 0 || len(sum.Notebooks) != 1 {
		t.Fatalf("summary %+v, want 2 notes, 1 attachment, 1 notebook", sum)
	}
	sum = runImport(t, c, importer.Markdown, importFixtures(t, "markdown", "obsidian-kepano"))
	if sum.Notes != 17 || sum.Attachments != 1 {
		t.Fatalf("markdown summary %+v, want 17 notes and 1 attachment", sum)
	}
	if len(c.List()) != 1+2+17 {
		t.Fatalf("%d notes in the vault, want 20", len(c.List()))
	}
	if n, err := c.Get(existing); err != nil || n.Body != "mine, not imported" || n.Source != "" {
		t.Fatalf("the existing note changed: %+v, %v", n, err)
	}

	// The ENEX picture: an attachment with the bytes its en-media names.
	var pic *note.Note
	var picID string
	for _, info := range c.List() {
		n, _ := c.Get(info.ID)
		if n.Title == "test - note with picture" && n.Source != "" {
			pic, picID = n, info.ID
		}
	}
	if pic == nil || len(pic.Attachments) != 1 || pic.Attachments[0].Name != "pic.jpg" || pic.Attachments[0].Type != "image/jpeg" {
		t.Fatalf("imported picture note = %+v", pic)
	}
	if !strings.Contains(pic.Body, "![](attachment:"+pic.Attachments[0].ID+")") || notebookPath(c, pic.Notebook) != "test-twoNotes" {
		t.Errorf("picture note body %q tags %q", pic.Body, pic.Tags)
	}
	var buf bytes.Buffer
	if err := c.CachedAttachment(picID, pic.Attachments[0].ID, &buf); err != nil {
		t.Fatal(err)
	}
	if sum := md5.Sum(buf.Bytes()); hex.EncodeToString(sum[:]) != "42ea2dcbabcc6ef03771109f5d1cc6d2" {
		t.Errorf("attachment md5 %x, want the en-media hash", sum)
	}

	// Markdown: links point at the imported notes, the cover is attached.
	notes := byTitle(t, c)
	ids := map[string]string{}
	for _, info := range c.List() {
		ids[info.ID] = info.Title
	}
	meeting := notes["2023-09-12 Meeting with Steph"]
	var linked []string
	for _, m := range noteLinkRE.FindAllStringSubmatch(meeting.Body, -1) {
		linked = append(linked, m[1]+"->"+ids[m[2]])
	}
	if got := strings.Join(linked, ","); got != "Meetings->Meetings,Obsidian->Obsidian,Steph Ango->Steph Ango,Out of Control->Out of Control" {
		t.Errorf("meeting links %s", got)
	}
	cover := notes["Out of Control"]
	if len(cover.Attachments) != 1 || cover.Attachments[0].Name != "out-of-control.jpg" {
		t.Fatalf("Out of Control attachments %+v", cover.Attachments)
	}
	m := attLinkRE.FindStringSubmatch(cover.Body)
	if m == nil || m[1] != cover.Attachments[0].ID {
		t.Errorf("cover link missing in %q", cover.Body)
	}
	want, _ := os.ReadFile(importFixtures(t, "markdown", "obsidian-kepano", "Attachments", "out-of-control.jpg"))
	buf.Reset()
	var coverID string
	for id, title := range ids {
		if title == "Out of Control" {
			coverID = id
		}
	}
	if err := c.CachedAttachment(coverID, cover.Attachments[0].ID, &buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("cover bytes differ (%d vs %d), %v", buf.Len(), len(want), err)
	}

	// Importing again creates nothing and changes nothing.
	before := map[string]string{}
	for _, info := range c.List() {
		n, _ := c.Get(info.ID)
		before[info.ID] = n.Body
	}
	for _, src := range []struct {
		f importer.Format
		p string
	}{{importer.ENEX, importFixtures(t, "enex", "test-twoNotes.enex")}, {importer.Markdown, importFixtures(t, "markdown", "obsidian-kepano")}} {
		again := runImport(t, c, src.f, src.p)
		if again.Notes != 0 || again.Existing == 0 {
			t.Errorf("re-import of %s: %+v, want nothing new", src.p, again)
		}
	}
	if len(c.List()) != len(before) {
		t.Fatalf("re-import: %d notes, had %d", len(c.List()), len(before))
	}
	for _, info := range c.List() {
		if n, _ := c.Get(info.ID); n.Body != before[info.ID] {
			t.Errorf("re-import changed %s", info.Title)
		}
	}
}

// TestImportEveryFixture imports every fixture into one vault (each with
// its format detected), checks counts and the Joplin links, then imports
// all of them again: nothing new, nothing changed.
func TestImportEveryFixture(t *testing.T) {
	srv := fakeremote.New()
	c := device(t, srv, t.TempDir())
	register(t, c, srv, "everything", "pw")
	enex, _ := filepath.Glob(importFixtures(t, "enex", "*.enex"))
	sources := append(enex,
		importFixtures(t, "joplin", "03_10_2022.jex"),
		importFixtures(t, "keep"),
		importFixtures(t, "markdown", "obsidian-kepano"),
		importFixtures(t, "standardnotes", "Standard Notes Backup - Tue Aug 29 2023 08_51_11 GMT-0700.zip"))
	wantFormat := map[string]importer.Format{"03_10_2022.jex": importer.Joplin, "keep": importer.Keep, "obsidian-kepano": importer.Markdown,
		"Standard Notes Backup - Tue Aug 29 2023 08_51_11 GMT-0700.zip": importer.StandardNotes}
	total := 0
	for _, p := range sources {
		f, err := importer.Detect(p)
		want, ok := wantFormat[filepath.Base(p)]
		if !ok {
			want = importer.ENEX
		}
		if err != nil || f != want {
			t.Fatalf("Detect(%s) = %q, %v; want %q", filepath.Base(p), f, err, want)
		}
		total += runImport(t, c, f, p).Notes
	}
	// 15 ENEX + 6 Joplin + 13 Keep + 17 Markdown + 6 Standard Notes.
	if total != 57 || len(c.List()) != 57 {
		t.Fatalf("imported %d, vault holds %d; want 57", total, len(c.List()))
	}
	notes := byTitle(t, c)
	tips := notes["4. Tips"]
	titles := map[string]string{}
	for _, info := range c.List() {
		titles[info.ID] = info.Title
	}
	m := noteLinkRE.FindAllStringSubmatch(tips.Body, -1)
	if len(m) != 1 || titles[m[0][2]] != "3. Synchronising your notes" {
		t.Errorf("Joplin :/id link not rewritten to the imported note: %q", m)
	}
	if welcome := notes["1. Welcome to Joplin!"]; len(welcome.Attachments) != 2 || notebookPath(c, welcome.Notebook) != "Welcome! (Desktop)/helo" {
		t.Errorf("Joplin welcome note: %d attachments, tags %q", len(welcome.Attachments), welcome.Tags)
	}
	nbs := len(c.Notebooks())
	// test-*.enex, Debug, sanitize_fulltest: 7; Joplin: Welcome! (Desktop), helo; obsidian-kepano and 6 folders.
	if nbs != 7+2+7 {
		t.Errorf("%d notebooks, want 16", nbs)
	}
	for _, p := range sources {
		f, _ := importer.Detect(p)
		if again := runImport(t, c, f, p); again.Notes != 0 {
			t.Errorf("re-import of %s created %d notes", filepath.Base(p), again.Notes)
		}
	}
	if len(c.List()) != 57 || len(c.Notebooks()) != nbs {
		t.Fatalf("after re-import the vault holds %d notes, %d notebooks", len(c.List()), len(c.Notebooks()))
	}
}

func TestImportWords(t *testing.T) {
	var r importer.Runner
	err := importer.ReadENEX(strings.NewReader(`{"not":"xml"}`), "x.enex", &r)
	if got := core.Words(err); got != "Cannot import: x.enex is not XML: text before the first element." {
		t.Errorf("Words = %q", got)
	}
}

func notebookPath(c *core.Core, id string) string {
	for _, nb := range c.Notebooks() {
		if nb.ID == id {
			return nb.Path
		}
	}
	return ""
}

package importer

import (
	"crypto/md5"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func readENEXFile(t *testing.T, name string) *collected {
	t.Helper()
	path := fixtures(t, "enex", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c collected
	if err := ReadENEX(f, path, &c); err != nil {
		t.Fatalf("ReadENEX(%s) = %v", name, err)
	}
	return &c
}

func md5hex(b []byte) string { s := md5.Sum(b); return hex.EncodeToString(s[:]) }

// TestENEXFixtures reads every ENEX fixture and checks it note by note.
func TestENEXFixtures(t *testing.T) {
	type want struct {
		title, notebook string
		tags            []string
		created         string
		body            []string // substrings of the Markdown body, in order
		attachments     []string // "name type md5"
	}
	tests := []struct {
		file  string
		notes []want
	}{
		{"Debug.enex", []want{{title: "Druckermeldung abschalten", notebook: "Debug",
			tags: []string{"iCD", "Privat", "Tipps", "Computer", "Administration"}, created: "2014-08-21T07:54:43Z",
			body:        []string{"# Nervige Windows-Statusmeldungen der Drucker abschalten", "![](attachment:import-0)", "[![](attachment:import-1)]"},
			attachments: []string{"attachment.jpg image/jpeg ", "Druckservereigenschaften.jpg image/jpeg "}}}},
		{"sanitize_fulltest.enex", []want{
			{title: "LinkedNote", notebook: "sanitize_fulltest", created: "2023-08-25T17:54:11Z", body: []string{"Linking sanitized note:", "(evernote:///view/"}},
			{title: `title_<>:"/\|?*_endOfTitle`, notebook: "sanitize_fulltest", created: "2023-08-25T17:12:56Z",
				body:        []string{"```\n", `"replacementCharacterMap": {`, "```", "![](attachment:import-0)"},
				attachments: []string{`imageTitle_<>-":\|?*_endOfImageTitle.png?=imagePostfix_<>-":\|?*_endOfImagePostfix image/png `}}}},
		{"test-checklist.enex", []want{{title: "test-checkbox.v10.48", notebook: "test-checklist", created: "2023-01-21T09:37:33Z",
			body: []string{"- [ ] Checklist item 1\n", "  - [ ] Nested item 1a\n", "  - [x] Nested checked item\n", "- [x] Checked checklist item 2\n",
				"  - Nested unordered 2a", "- [ ] Checklist item 3", "1. Nested ordered 3a", "- unordered item", "  - [ ] nested checklist",
				"- [ ] Checklist **bold** and & [link](https://example.com/?a=1&b=2)", "```\ncodeblock\n```"}}}},
		{"test-encryption.enex", []want{{title: "Encryption", notebook: "test-encryption", created: "2024-01-12T07:25:27Z",
			body: []string{"This is NOT an encrypted test\n", "> **Encrypted in Evernote.**", "(hint: this is a hint)", "> RU5DMCR2SQ/8U0qVD+xGDzmnMy6oAqeGr8h", "> bKvDUXODy6Biyaf1XQ0HVO12\n", "This is NOT an encrypted test again"}}}},
		{"test-table.enex", []want{{title: "table", notebook: "test-table", created: "2020-05-17T21:05:14Z",
			body: []string{"|---", "| c1r1 | c2r1     | c3r1 |", "| c1r2 | **c2r2** | C3r2 |"}}}},
		{"test-tana-02.enex", []want{
			{title: "Nested tasks", notebook: "test-tana-02", created: "2023-05-13T12:35:01Z", body: []string{"- RootTask1", "    - task1.1.1", "      - task2.2.1"[2:]}},
			{title: "Tasks", notebook: "test-tana-02", created: "2023-05-11T15:33:21Z",
				body: []string{"- [ ] Task2\n- [x] Done Task3\n- [ ] Task1\n- [ ] Task4\n- [x] CheckTheLastInOrderTask6\n- [ ] Task5\n"}},
			{title: "Links", notebook: "test-tana-02", created: "2023-05-13T07:45:48Z", body: []string{"[See Tana](https://tana.inc)"}},
			{title: "TanaNote1", notebook: "test-tana-02", tags: []string{"tanaTag1", "tanaTag2"}, created: "2023-03-28T18:08:15Z",
				body: []string{"```\nThis is a codeblock\nThis is a next line within the codeblock\n```"}},
			{title: "Plain text styles", notebook: "test-tana-02", created: "2023-05-13T06:35:26Z", body: []string{"**bold**", "*italic*", "~~striked~~", "highlighted"}},
			{title: "Tana note2", notebook: "test-tana-02", tags: []string{"tanaTag1", "tanaTag2"}, created: "2023-05-10T06:51:03Z",
				body: []string{"- Hello", "bulletpoint1", "- [ ] checkpoint1\n- [ ] checkpoint2", "link to [TanaNote1](evernote:///view/"}},
			{title: "Table", notebook: "test-tana-02", created: "2023-05-11T15:34:12Z", body: []string{"| TABLE0.0 | Column1  | Column2 |", "| Row2     | Cell.2.1 | Cell2.2 |"}}}},
		{"test-twoNotes.enex", []want{
			{title: "test - note with picture", notebook: "test-twoNotes", created: "2018-10-06T08:44:14Z", body: []string{"Squirrels", "![](attachment:import-0)"},
				attachments: []string{"pic.jpg image/jpeg 42ea2dcbabcc6ef03771109f5d1cc6d2"}},
			{title: "test -note with text only", notebook: "test-twoNotes", created: "2018-10-06T08:43:49Z", body: []string{"This is the content\n"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := readENEXFile(t, tt.file)
			if len(c.notes) != len(tt.notes) {
				t.Fatalf("%d notes, want %d", len(c.notes), len(tt.notes))
			}
			if len(c.skipped) != 0 || len(c.warned) != 0 {
				t.Errorf("skipped %v, warned %v", c.skipped, c.warned)
			}
			sources := map[string]bool{}
			for i, w := range tt.notes {
				n, data := c.notes[i], c.data[i]
				if n.Title != w.title || n.Notebook != w.notebook || strings.Join(n.Tags, ",") != strings.Join(w.tags, ",") {
					t.Errorf("note %d = %q in %q tags %q, want %q in %q tags %q", i, n.Title, n.Notebook, n.Tags, w.title, w.notebook, w.tags)
				}
				if got := n.Created.Format(time.RFC3339); got != w.created {
					t.Errorf("%s: created %s, want %s", w.title, got, w.created)
				}
				if n.Updated.Before(n.Created) {
					t.Errorf("%s: updated %v before created %v", w.title, n.Updated, n.Created)
				}
				rest := n.Body
				for _, s := range w.body {
					j := strings.Index(rest, s)
					if j < 0 {
						t.Errorf("%s: body lacks %q (in order); body:\n%s", w.title, s, n.Body)
						break
					}
					rest = rest[j+len(s):]
				}
				if len(n.Attachments) != len(w.attachments) {
					t.Fatalf("%s: %d attachments, want %d", w.title, len(n.Attachments), len(w.attachments))
				}
				for j, a := range n.Attachments {
					got := a.Name + " " + a.Type + " " + md5hex(data[j])
					if !strings.HasPrefix(got, w.attachments[j]) || len(data[j]) == 0 {
						t.Errorf("%s: attachment %d = %s (%d bytes), want %s", w.title, j, got, len(data[j]), w.attachments[j])
					}
					// Every attachment's bytes are those its <en-media> named.
					if !strings.Contains(c.rawHashes(t, tt.file), md5hex(data[j])) {
						t.Errorf("%s: attachment %d has md5 %s, named by no en-media", w.title, j, md5hex(data[j]))
					}
				}
				if !strings.HasPrefix(n.Source, "enex:") || sources[n.Source] {
					t.Errorf("%s: source %q empty or repeated", w.title, n.Source)
				}
				sources[n.Source] = true
			}
			again := readENEXFile(t, tt.file)
			for i := range again.notes {
				if again.notes[i].Source != c.notes[i].Source {
					t.Errorf("source of %q changed between reads", c.notes[i].Title)
				}
			}
		})
	}
}

// rawHashes returns the fixture's text (its en-media hashes are in it).
func (c *collected) rawHashes(t *testing.T, file string) string {
	b, err := os.ReadFile(fixtures(t, "enex", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const enexHead = `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd"><en-export>`

func enexOf(content string) string {
	return enexHead + `<note><title>T</title><content><![CDATA[` + content + `]]></content><created>20200101T000000Z</created></note></en-export>`
}

func TestENEXCases(t *testing.T) {
	tests := []struct {
		name, in   string
		refused    string // substring of the refusal, "" when accepted
		body, warn string
		skipped    int
	}{
		{name: "nbsp entity", in: enexOf(`<en-note><div>a&nbsp;b &amp; c</div></en-note>`), body: "a\u00a0b & c"},
		{name: "legacy en-todo", in: enexOf(`<en-note><div><en-todo checked="true"/>done</div><div><en-todo/>open</div></en-note>`), body: "[x] done\n\n[ ] open"},
		{name: "nested legacy en-todo", in: enexOf(`<en-note><div><en-todo/>a<en-todo checked="true"/>b</div></en-note>`), body: "[ ] a[x] b"},
		{name: "malformed table", in: enexOf(`<en-note><table><tr><td>a<td>b</tr></en-note>`), body: "a", warn: "malformed ENML"},
		{name: "missing resource", in: enexOf(`<en-note><en-media hash="00" type="image/png"/></en-note>`), body: "[missing attachment]", warn: "has no resource"},
		{name: "unknown element", in: enexHead + `<notebook>x</notebook></en-export>`, skipped: 1},
		{name: "not XML", in: `{"json": true}`, refused: "not XML"},
		{name: "other XML", in: `<?xml version="1.0"?><html></html>`, refused: "not an Evernote export"},
		{name: "empty", in: ``, refused: "not an Evernote export"},
		{name: "truncated", in: enexOf(`<en-note>x</en-note>`)[:len(enexOf(`<en-note>x</en-note>`))-30], refused: "truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collected
			err := ReadENEX(strings.NewReader(tt.in), "x.enex", &c)
			if tt.refused != "" {
				if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tt.refused) {
					t.Fatalf("ReadENEX = %v, want refusal with %q", err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.skipped) != tt.skipped {
				t.Errorf("skipped %v, want %d", c.skipped, tt.skipped)
			}
			if tt.body != "" && (len(c.notes) != 1 || !strings.Contains(c.notes[0].Body, tt.body)) {
				if len(c.notes) == 1 {
					t.Logf("body %q", c.notes[0].Body)
				}
				t.Fatalf("notes %+v, want one with body %q", c.notes, tt.body)
			}
			if (tt.warn == "") != (len(c.warned) == 0) || tt.warn != "" && !strings.Contains(strings.Join(c.warned, ";"), tt.warn) {
				t.Errorf("warned %v, want %q", c.warned, tt.warn)
			}
		})
	}
}

func FuzzENEX(f *testing.F) {
	f.Add(enexOf(`<en-note><div>a&nbsp;b</div></en-note>`))
	f.Add(enexOf(`<en-note><ul style="--en-todo:true;"><li style="--en-checked:true;"><div>x</div></li></ul><en-crypt>abc</en-crypt></en-note>`))
	f.Add(enexOf(`<en-note><table><tr><td>a<td>b</tr></en-note>`))
	f.Add(enexHead + `<note><title>x</title><resource><data encoding="base64">aGk=</data><mime>image/png</mime></resource></note></en-export>`)
	f.Fuzz(func(t *testing.T, in string) {
		var c collected
		_ = ReadENEX(strings.NewReader(in), "f.enex", &c)
		for _, n := range c.notes {
			if n.Source == "" {
				t.Fatal("note without source")
			}
		}
	})
}

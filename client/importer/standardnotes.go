package importer

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

const (
	snBackupFile = "Standard Notes Backup and Import File.txt"
	maxSNBackup  = 1 << 30
)

type snBackup struct {
	Version   string          `json:"version"`
	KeyParams json.RawMessage `json:"keyParams"`
	Items     []snItem        `json:"items"`
}

type snItem struct {
	UUID        string          `json:"uuid"`
	ContentType string          `json:"content_type"`
	Content     json.RawMessage `json:"content"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	Deleted     bool            `json:"deleted"`
}

type snContent struct {
	Title      string `json:"title"`
	Text       string `json:"text"`
	Trashed    bool   `json:"trashed"`
	Pinned     *bool  `json:"pinned"`
	Archived   *bool  `json:"archived"`
	References []struct {
		UUID          string `json:"uuid"`
		ContentType   string `json:"content_type"`
		ReferenceType string `json:"reference_type"`
	} `json:"references"`
	AppData map[string]struct {
		Pinned   bool `json:"pinned"`
		Archived bool `json:"archived"`
	} `json:"appData"`
}

// ReadStandardNotes reads a decrypted Standard Notes backup: the .zip or
// its "Standard Notes Backup and Import File.txt". Tags keep their nesting
// as a path ("a.b" and a tag under a parent both become "a/b"); pinned,
// archived and trashed notes get the tags "standardnotes:pinned",
// "standardnotes:archived" and "standardnotes:trashed". Other items
// (components, themes, preferences) are counted and skipped. An encrypted
// backup is refused.
func ReadStandardNotes(p string, sink Sink) error {
	raw, err := readSNBackup(p)
	if err != nil {
		return err
	}
	var b snBackup
	if err := json.Unmarshal(raw, &b); err != nil {
		return refusedf("%s is not JSON (or truncated): %v", filepath.Base(p), err)
	}
	if b.Items == nil {
		return refusedf("%s is not a Standard Notes backup (no items)", filepath.Base(p))
	}
	contents := map[string]*snContent{}
	for i, it := range b.Items {
		if len(it.Content) > 0 && it.Content[0] == '"' || len(b.KeyParams) > 0 && string(b.KeyParams) != "null" {
			return refusedf("this Standard Notes backup is encrypted: export a decrypted backup (Standard Notes → Preferences → Backups → \"Download backup\" with \"Decrypted\" chosen) and import that")
		}
		var c snContent
		if len(it.Content) > 0 && json.Unmarshal(it.Content, &c) == nil {
			contents[b.Items[i].UUID] = &c
		}
	}
	// Tag paths: a dotted title is already a path; a parent reference nests.
	tagPath := map[string]string{}
	var pathOf func(uuid string, depth int) string
	pathOf = func(uuid string, depth int) string {
		c := contents[uuid]
		if c == nil || depth > 32 {
			return ""
		}
		name := strings.ReplaceAll(strings.TrimSpace(c.Title), ".", "/")
		for _, r := range c.References {
			if r.ContentType == "Tag" && r.ReferenceType == "TagToParentTag" {
				if parent := pathOf(r.UUID, depth+1); parent != "" {
					return parent + "/" + name
				}
			}
		}
		return name
	}
	noteTags := map[string][]string{}
	for _, it := range b.Items {
		if it.ContentType != "Tag" || it.Deleted {
			continue
		}
		c := contents[it.UUID]
		if c == nil {
			continue
		}
		tp := pathOf(it.UUID, 0)
		tagPath[it.UUID] = tp
		for _, r := range c.References {
			if r.ContentType == "Note" && tp != "" {
				noteTags[r.UUID] = append(noteTags[r.UUID], tp)
			}
		}
	}
	other := map[string]int{}
	for _, it := range b.Items {
		switch {
		case it.Deleted:
			other["deleted item"]++
		case it.ContentType == "Note":
			c := contents[it.UUID]
			if c == nil {
				sink.Skip("note "+it.UUID, "content not readable")
				continue
			}
			n := &Note{Title: strings.TrimSpace(c.Title), Body: c.Text, Created: it.CreatedAt.UTC(), Updated: it.UpdatedAt.UTC(),
				Source: "standardnotes:" + it.UUID}
			tags := noteTags[it.UUID]
			sort.Strings(tags)
			for _, t := range tags {
				n.addTag(t)
			}
			app := c.AppData["org.standardnotes.sn"]
			if app.Pinned || c.Pinned != nil && *c.Pinned {
				n.addTag("standardnotes:pinned")
			}
			if app.Archived || c.Archived != nil && *c.Archived {
				n.addTag("standardnotes:archived")
			}
			if c.Trashed {
				n.addTag("standardnotes:trashed")
			}
			if err := sink.Note(n); err != nil {
				return err
			}
		case it.ContentType == "Tag":
		default:
			other[it.ContentType]++
		}
	}
	kinds := make([]string, 0, len(other))
	for k := range other {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		for i := 0; i < other[k]; i++ {
			sink.Skip(k, "not a note")
		}
	}
	return nil
}

func readSNBackup(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, refusedOpen(err)
	}
	magic := make([]byte, 4)
	_, _ = io.ReadFull(f, magic)
	f.Close()
	if string(magic) != "PK\x03\x04" {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, refusedOpen(err)
		}
		return bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), nil
	}
	t, err := zipTree(p)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	for _, name := range t.names() {
		if path.Base(name) == snBackupFile {
			raw, err := t.read(name, maxSNBackup)
			if err != nil {
				return nil, refusedf("%s: %v", snBackupFile, err)
			}
			return bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")), nil
		}
	}
	return nil, refusedf("%s has no %q", filepath.Base(p), snBackupFile)
}

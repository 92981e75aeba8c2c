package importer

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
)

type keepNote struct {
	Title       *string `json:"title"`
	TextContent string  `json:"textContent"`
	ListContent []struct {
		Text      string `json:"text"`
		IsChecked bool   `json:"isChecked"`
	} `json:"listContent"`
	Labels []struct {
		Name string `json:"name"`
	} `json:"labels"`
	Attachments []struct {
		FilePath string `json:"filePath"`
		Mimetype string `json:"mimetype"`
	} `json:"attachments"`
	IsTrashed  bool  `json:"isTrashed"`
	IsArchived bool  `json:"isArchived"`
	IsPinned   bool  `json:"isPinned"`
	Edited     int64 `json:"userEditedTimestampUsec"`
	Created    int64 `json:"createdTimestampUsec"`
}

const maxKeepJSON = 64 << 20

// ReadKeep reads a Google Takeout export of Keep (its zip, the Keep folder
// or one note's .json): checklists become task lists, labels tags, and
// trashed, archived and pinned notes get the tags "keep:trashed",
// "keep:archived" and "keep:pinned". Attachments a note names but the
// export lacks are reported.
func ReadKeep(root string, sink Sink) (err error) {
	t, err := openKeep(root)
	if err != nil {
		return err
	}
	defer flushThenClose(t, sink, &err)
	found := false
	for _, name := range t.names() {
		if !strings.EqualFold(path.Ext(name), ".json") {
			continue
		}
		raw, err := t.read(name, maxKeepJSON)
		if err != nil {
			sink.Skip(name, err.Error())
			continue
		}
		var kn keepNote
		if err := json.Unmarshal(raw, &kn); err != nil || kn.Title == nil && kn.TextContent == "" && kn.ListContent == nil {
			sink.Skip(name, "not a Keep note")
			continue
		}
		found = true
		n := kn.convert(t, name, sink)
		if err := sink.Note(n); err != nil {
			return err
		}
	}
	if !found {
		return refusedf("no Google Keep note (.json) in %s", path.Base(root))
	}
	return nil
}

// openKeep opens a zip or folder; a single .json file is a one-file tree.
func openKeep(root string) (*tree, error) {
	if strings.EqualFold(path.Ext(root), ".json") {
		t, err := dirTree(path.Dir(root))
		if err != nil {
			return nil, err
		}
		base := path.Base(root)
		f, ok := t.files[base]
		if !ok {
			return nil, fmt.Errorf("open import source: %s not found", base)
		}
		// Attachments next to the note stay reachable.
		keep := map[string]treeFile{base: f}
		for k, v := range t.files {
			if !strings.EqualFold(path.Ext(k), ".json") {
				keep[k] = v
			}
		}
		t.files = keep
		return t, nil
	}
	return openTree(root)
}

func usec(u int64) time.Time {
	if u <= 0 {
		return time.Time{}
	}
	return time.UnixMicro(u).UTC()
}

func (kn *keepNote) convert(t *tree, name string, sink Sink) *Note {
	title := ""
	if kn.Title != nil {
		title = strings.ReplaceAll(strings.TrimSpace(*kn.Title), "\n", " ")
	}
	n := &Note{Title: title, Created: usec(kn.Created), Updated: usec(kn.Edited), Source: "keep:" + name}
	if n.Created.IsZero() {
		n.Created = n.Updated
	}
	if n.Title == "" {
		n.Title = strings.TrimSuffix(path.Base(name), path.Ext(name))
	}
	var b strings.Builder
	b.WriteString(kn.TextContent)
	for _, item := range kn.ListContent {
		box := "[ ]"
		if item.IsChecked {
			box = "[x]"
		}
		b.WriteString("- " + box + " " + strings.ReplaceAll(item.Text, "\n", " ") + "\n")
	}
	for _, l := range kn.Labels {
		n.addTag(l.Name)
	}
	for _, s := range []struct {
		on  bool
		tag string
	}{{kn.IsTrashed, "keep:trashed"}, {kn.IsArchived, "keep:archived"}, {kn.IsPinned, "keep:pinned"}} {
		if s.on {
			n.addTag(s.tag)
		}
	}
	dir := path.Dir(name)
	for _, a := range kn.Attachments {
		p := path.Join(dir, a.FilePath)
		f, ok := t.files[p]
		if !ok && strings.HasSuffix(p, ".jpeg") { // Takeout often writes .jpg for .jpeg
			p = strings.TrimSuffix(p, ".jpeg") + ".jpg"
			f, ok = t.files[p]
		}
		if !ok {
			sink.Skip(n.Title+": "+a.FilePath, "attachment missing from the export")
			continue
		}
		n.Attachments = append(n.Attachments, Attachment{Name: path.Base(a.FilePath), Type: a.Mimetype, Open: f.open})
		ref := attachmentRef(len(n.Attachments) - 1)
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		if strings.HasPrefix(a.Mimetype, "image/") {
			b.WriteString("\n![](" + ref + ")\n")
		} else {
			b.WriteString("\n[" + mdEscapeLinkText(path.Base(a.FilePath)) + "](" + ref + ")\n")
		}
	}
	n.Body = b.String()
	return n
}

package importer

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Joplin item types (type_ in the RAW metadata).
const (
	joplinNote     = "1"
	joplinFolder   = "2"
	joplinResource = "4"
	joplinTag      = "5"
	joplinNoteTag  = "6"
)

type joplinItem struct {
	file  string
	title string
	body  string
	meta  map[string]string
}

var (
	joplinMetaRE = regexp.MustCompile(`^([a-z_]+): ?(.*)$`)
	joplinLinkRE = regexp.MustCompile(`\]\(:/([0-9a-f]{32})((?:#[^)]*)?)\)`)
)

// parseJoplinRaw splits one RAW item: title line, body, then "key: value"
// lines after the last blank line.
func parseJoplinRaw(file, text string) joplinItem {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	it := joplinItem{file: file, meta: map[string]string{}}
	end := len(lines)
	for end > 0 && joplinMetaRE.MatchString(lines[end-1]) {
		end--
	}
	for _, l := range lines[end:] {
		m := joplinMetaRE.FindStringSubmatch(l)
		it.meta[m[1]] = m[2]
	}
	content := lines[:end]
	if len(content) > 0 && content[len(content)-1] == "" {
		content = content[:len(content)-1]
	}
	if len(content) > 0 {
		it.title = content[0]
		rest := content[1:]
		if len(rest) > 0 && rest[0] == "" {
			rest = rest[1:]
		}
		it.body = strings.Join(rest, "\n")
	}
	return it
}

func joplinTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil || t.Year() > 9999 {
		return time.Time{}
	}
	return t.UTC()
}

// ReadJoplin reads a Joplin JEX (a tar) or RAW export folder: the notebook
// tree, tags, to-dos (as a task line "- [ ]"/"- [x]" above the body and the
// tag "joplin:todo"), resources as attachments and ":/id" links rewritten
// to the imported notes and attachments.
func ReadJoplin(root string, sink Sink) (err error) {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer flushThenClose(t, sink, &err)
	items := map[string]joplinItem{}
	var order []string
	for _, name := range t.names() {
		if path.Dir(name) != "." || !strings.HasSuffix(name, ".md") {
			continue
		}
		raw, err := t.read(name, maxMarkdownFile)
		if err != nil {
			sink.Skip(name, err.Error())
			continue
		}
		it := parseJoplinRaw(name, string(raw))
		id := it.meta["id"]
		if id == "" || it.meta["type_"] == "" {
			sink.Skip(name, "not a Joplin item (no id or type_)")
			continue
		}
		items[id] = it
		order = append(order, id)
	}
	if len(items) == 0 {
		return refusedf("no Joplin item in %s", path.Base(root))
	}
	resFile := map[string]string{}
	for _, name := range t.names() {
		if path.Dir(name) == "resources" {
			id := strings.TrimSuffix(path.Base(name), path.Ext(name))
			resFile[id] = name
		}
	}
	var notebookPath func(id string, depth int) string
	notebookPath = func(id string, depth int) string {
		f, ok := items[id]
		if !ok || f.meta["type_"] != joplinFolder || depth > 64 {
			return ""
		}
		name := strings.ReplaceAll(strings.TrimSpace(f.title), "/", "∕")
		if p := notebookPath(f.meta["parent_id"], depth+1); p != "" {
			return p + "/" + name
		}
		return name
	}
	tagsOf := map[string][]string{}
	for _, id := range order {
		it := items[id]
		if it.meta["type_"] == joplinNoteTag {
			if tag, ok := items[it.meta["tag_id"]]; ok && tag.title != "" {
				tagsOf[it.meta["note_id"]] = append(tagsOf[it.meta["note_id"]], tag.title)
			}
		}
	}
	for _, id := range order {
		it := items[id]
		switch it.meta["type_"] {
		case joplinNote:
			n := &Note{Title: it.title, Notebook: notebookPath(it.meta["parent_id"], 0), Source: "joplin:" + id,
				Created: joplinTime(it.meta["user_created_time"]), Updated: joplinTime(it.meta["user_updated_time"])}
			if n.Created.IsZero() {
				n.Created = joplinTime(it.meta["created_time"])
			}
			tags := tagsOf[id]
			sort.Strings(tags)
			for _, tg := range tags {
				n.addTag(tg)
			}
			body := it.body
			if it.meta["is_todo"] == "1" {
				n.addTag("joplin:todo")
				box := "[ ]"
				if c := it.meta["todo_completed"]; c != "" && c != "0" {
					box = "[x]"
				}
				body = "- " + box + " " + it.title + "\n\n" + body
			}
			n.Body = joplinLinkRE.ReplaceAllStringFunc(body, func(s string) string {
				m := joplinLinkRE.FindStringSubmatch(s)
				target, ok := items[m[1]]
				if !ok {
					return s
				}
				switch target.meta["type_"] {
				case joplinNote:
					return "](" + n.addLink("joplin:"+m[1]) + ")"
				case joplinResource:
					file, ok := resFile[m[1]]
					if !ok {
						sink.Skip(n.Title+": resource "+m[1], "resource file missing from the export")
						return s
					}
					for i, a := range n.Attachments {
						if a.Name == target.title && strings.HasSuffix(file, "/"+m[1]+path.Ext(file)) {
							return "](" + attachmentRef(i) + ")"
						}
					}
					name := target.title
					if name == "" {
						name = path.Base(file)
					}
					n.Attachments = append(n.Attachments, Attachment{Name: name, Type: target.meta["mime"], Open: t.files[file].open})
					return "](" + attachmentRef(len(n.Attachments)-1) + ")"
				}
				return s
			})
			if err := sink.Note(n); err != nil {
				return err
			}
		case joplinFolder, joplinTag, joplinNoteTag, joplinResource:
		default:
			sink.Skip("Joplin item "+id, "item type "+it.meta["type_"]+" is not imported")
		}
	}
	return nil
}

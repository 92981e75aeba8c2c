package importer

import (
	"mime"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

const maxMarkdownFile = 64 << 20

// ReadMarkdown reads an Obsidian vault or any folder (or zip) of Markdown:
// folders become notebooks under one named after the folder, front-matter
// and inline #tags become tags, [[wikilinks]] become links to the imported
// notes, embedded files become attachments. .canvas and .base files and
// files no note embeds are reported, not imported.
func ReadMarkdown(root string, sink Sink) (err error) {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer flushThenClose(t, sink, &err)
	rootName := filepath.Base(filepath.Clean(root))
	if t.closer != nil { // a zip: its name without ".zip"
		rootName = strings.TrimSuffix(rootName, filepath.Ext(rootName))
	}
	m := &mdVault{t: t, root: rootName, byBase: map[string][]string{}, used: map[string]bool{}}
	var notes []string
	for _, name := range t.names() {
		base := path.Base(name)
		m.byBase[strings.ToLower(base)] = append(m.byBase[strings.ToLower(base)], name)
		if isMarkdown(name) {
			m.byBase[strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))] = append(m.byBase[strings.ToLower(strings.TrimSuffix(base, path.Ext(base)))], name)
			notes = append(notes, name)
		}
	}
	for _, name := range notes {
		n, err := m.note(name)
		if err != nil {
			sink.Skip(name, err.Error())
			continue
		}
		if err := sink.Note(n); err != nil {
			return err
		}
	}
	for _, name := range t.names() {
		switch ext := strings.ToLower(path.Ext(name)); {
		case isMarkdown(name) || m.used[name]:
		case ext == ".canvas" || ext == ".base":
			sink.Skip(name, "Obsidian "+ext+" file, not a note")
		default:
			sink.Skip(name, "no note embeds this file")
		}
	}
	return nil
}

func isMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

type mdVault struct {
	t      *tree
	root   string
	byBase map[string][]string // lower-case base name (with and, for notes, without extension) -> paths
	used   map[string]bool     // files embedded as attachments
}

func (m *mdVault) source(name string) string { return "markdown:" + m.root + "/" + name }

// resolve finds the file a link names: a path from the vault root, a path
// from the linking note's folder, else the shortest path with that base name.
func (m *mdVault) resolve(from, target string) (string, bool) {
	target = strings.TrimSpace(target)
	if target == "" {
		return "", false
	}
	for _, cand := range []string{target, target + ".md", path.Join(path.Dir(from), target), path.Join(path.Dir(from), target+".md")} {
		if c := path.Clean(cand); !strings.HasPrefix(c, "../") {
			if _, ok := m.t.files[c]; ok {
				return c, true
			}
		}
	}
	list := m.byBase[strings.ToLower(path.Base(target))]
	best := ""
	for _, p := range list {
		if best == "" || len(p) < len(best) {
			best = p
		}
	}
	return best, best != ""
}

var (
	wikiRE    = regexp.MustCompile(`(!?)\[\[([^\]\n]+?)\]\]`)
	mdEmbedRE = regexp.MustCompile(`!\[([^\]\n]*)\]\(([^)\s]+)\)`)
	hashTagRE = regexp.MustCompile(`(^|[\s(])#([\p{L}\p{N}\p{So}_/-]+)`)
	fenceRE   = regexp.MustCompile("(?m)^(```|~~~)")
)

func (m *mdVault) note(name string) (*Note, error) {
	raw, err := m.t.read(name, maxMarkdownFile)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(raw) {
		return nil, errNotUTF8
	}
	text := strings.ReplaceAll(string(raw), "\r\n", "\n")
	base := path.Base(name)
	n := &Note{Title: strings.TrimSuffix(base, path.Ext(base)), Source: m.source(name)}
	n.Notebook = m.root
	if d := path.Dir(name); d != "." {
		n.Notebook += "/" + d
	}
	front, body := splitFrontMatter(text)
	if front != "" {
		var fm map[string]any
		tags := lineTags(front) // templates hold {{placeholders}} that are not YAML
		if err := yaml.Unmarshal([]byte(front), &fm); err == nil {
			tags = yamlTags(fm["tags"])
		}
		for _, t := range tags {
			n.addTag(strings.TrimPrefix(t, "#"))
		}
	}
	for _, t := range inlineTags(body) {
		n.addTag(t)
	}
	n.Body = m.rewrite(n, name, text)
	n.Created = m.t.files[name].mod
	n.Updated = n.Created
	return n, nil
}

var errNotUTF8 = refusedf("not UTF-8 text")

// splitFrontMatter returns the YAML between the leading "---" lines, and
// the text after it.
func splitFrontMatter(text string) (string, string) {
	if !strings.HasPrefix(text, "---\n") {
		return "", text
	}
	end := strings.Index(text[4:], "\n---")
	if end < 0 {
		return "", text
	}
	front := text[4 : 4+end]
	rest := text[4+end+4:]
	rest = strings.TrimPrefix(rest, "\n")
	return front, rest
}

func yamlTags(v any) []string {
	switch t := v.(type) {
	case string:
		return strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ' ' })
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			} else if x != nil {
				out = append(out, strings.TrimSpace(strings.Trim(yamlScalar(x), "\n")))
			}
		}
		return out
	}
	return nil
}

// lineTags reads "tags:" from front matter that YAML cannot parse: a list
// of "- tag" lines, "[a, b]" or a single value.
func lineTags(front string) []string {
	lines := strings.Split(front, "\n")
	for i, l := range lines {
		v, ok := strings.CutPrefix(l, "tags:")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if v != "" {
			return yamlTags(strings.Trim(v, "[]"))
		}
		var out []string
		for _, item := range lines[i+1:] {
			item = strings.TrimSpace(item)
			tag, ok := strings.CutPrefix(item, "- ")
			if !ok {
				break
			}
			out = append(out, strings.Trim(strings.TrimSpace(tag), `"'`))
		}
		return out
	}
	return nil
}

func yamlScalar(x any) string {
	b, _ := yaml.Marshal(x)
	return string(b)
}

// inlineTags finds #tags outside code (Obsidian: not only digits).
func inlineTags(body string) []string {
	var out []string
	for i, part := range fenceRE.Split(body, -1) {
		if i%2 == 1 {
			continue // inside a fenced block
		}
		for _, line := range strings.Split(part, "\n") {
			if strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
				continue
			}
			line = stripInlineCode(line)
			for _, mt := range hashTagRE.FindAllStringSubmatch(line, -1) {
				tag := strings.TrimRight(mt[2], "/")
				if strings.Trim(tag, "0123456789") != "" {
					out = append(out, tag)
				}
			}
		}
	}
	return out
}

func stripInlineCode(line string) string {
	var b strings.Builder
	in := false
	for _, r := range line {
		if r == '`' {
			in = !in
			continue
		}
		if !in {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rewrite turns wikilinks and embeds into links to imported notes and
// attachments; links it cannot resolve stay as written.
func (m *mdVault) rewrite(n *Note, from, text string) string {
	attach := func(p string) string {
		for i, a := range n.Attachments {
			if a.Name == path.Base(p) {
				return attachmentRef(i)
			}
		}
		f := m.t.files[p]
		m.used[p] = true
		n.Attachments = append(n.Attachments, Attachment{Name: path.Base(p), Type: mediaTypeOf(p), Open: f.open})
		return attachmentRef(len(n.Attachments) - 1)
	}
	text = wikiRE.ReplaceAllStringFunc(text, func(s string) string {
		sub := wikiRE.FindStringSubmatch(s)
		embed, inner := sub[1] == "!", sub[2]
		target, alias, hasAlias := strings.Cut(inner, "|")
		file, heading, _ := strings.Cut(target, "#")
		p, ok := m.resolve(from, file)
		if !ok {
			return s
		}
		text := alias
		if !hasAlias {
			text = strings.TrimSpace(file)
			if heading != "" {
				text += " > " + heading
			}
		}
		if isMarkdown(p) {
			return "[" + mdEscapeLinkText(text) + "](" + n.addLink(m.source(p)) + ")"
		}
		ext := strings.ToLower(path.Ext(p))
		if ext == ".canvas" || ext == ".base" {
			return s
		}
		if embed && strings.HasPrefix(mediaTypeOf(p), "image/") {
			return "![" + mdEscapeLinkText(alias) + "](" + attach(p) + ")"
		}
		return "[" + mdEscapeLinkText(text) + "](" + attach(p) + ")"
	})
	return mdEmbedRE.ReplaceAllStringFunc(text, func(s string) string {
		sub := mdEmbedRE.FindStringSubmatch(s)
		dest := sub[2]
		if strings.Contains(dest, ":") {
			return s // a URL, or already an attachment
		}
		dest = unescapeURLPath(dest)
		p := path.Clean(path.Join(path.Dir(from), dest))
		if _, ok := m.t.files[p]; !ok {
			if p, ok = m.resolve(from, dest); !ok {
				return s
			}
		}
		if isMarkdown(p) {
			return "[" + sub[1] + "](" + n.addLink(m.source(p)) + ")"
		}
		return "![" + sub[1] + "](" + attach(p) + ")"
	})
}

func unescapeURLPath(s string) string {
	return strings.ReplaceAll(s, "%20", " ")
}

func mediaTypeOf(name string) string {
	if t := mime.TypeByExtension(strings.ToLower(path.Ext(name))); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

// Package importer reads the export files of other note apps (Evernote
// ENEX, Joplin JEX/RAW, Standard Notes, Google Keep, Obsidian and plain
// Markdown folders) and turns them into neutral notes handed one at a time
// to a Sink. It never touches the vault: the caller decides what to do with
// each note (client/core stores it; --dry-run only counts it).
package importer

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Format names a source app, as typed after --from.
type Format string

// The supported sources.
const (
	ENEX          Format = "enex"
	Joplin        Format = "joplin"
	StandardNotes Format = "standardnotes"
	Keep          Format = "keep"
	Markdown      Format = "markdown"
)

// Formats lists every supported source in the order of the CLI help.
var Formats = []Format{ENEX, Joplin, StandardNotes, Keep, Markdown}

// ErrUnknownFormat means the source's format could not be told from its content.
var ErrUnknownFormat = errors.New("unknown import format")

// ErrRefused wraps every reason an import file is refused as a whole (not
// XML, not JSON, a truncated or hostile archive, an encrypted backup).
var ErrRefused = errors.New("import refused")

// Note is one note read from a source, in neutral form.
type Note struct {
	Title string
	// Body is Markdown. It refers to the note's own attachments as
	// "attachment:import-N" (N indexes Attachments) and to other notes of the
	// same import as "note:import-N" (N indexes Links); see Resolve.
	Body     string
	Tags     []string
	Created  time.Time
	Updated  time.Time
	Notebook string // notebook path, parts joined by "/"; "" for none
	// Attachments are the files the note embeds or attaches.
	Attachments []Attachment
	// Links are the Source values of the other notes this note links to.
	Links []string
	// Source identifies the note in its source app (format, file and the
	// app's own id or content hash): the same note imported twice has the
	// same Source, so a second import can skip it.
	Source string
}

// Attachment is one file of a note.
type Attachment struct {
	Name string
	Type string // media type; "" when unknown
	Open func() (io.ReadCloser, error)
}

// Sink receives what a decoder reads, in order.
type Sink interface {
	// Note is called once per note; an error stops the import.
	Note(n *Note) error
	// Skip counts an item not imported, with the reason.
	Skip(item, reason string)
	// Warn names a note imported only as well as possible.
	Warn(item, problem string)
}

var refRE = regexp.MustCompile(`\((attachment|note):import-(\d+)\)`)

// Resolve rewrites the body's import references: attachment N becomes
// "attachment:"+attIDs[N] and link N becomes "note:"+noteIDs[N].
func (n *Note) Resolve(attIDs, noteIDs []string) string {
	return refRE.ReplaceAllStringFunc(n.Body, func(m string) string {
		sub := refRE.FindStringSubmatch(m)
		i, err := strconv.Atoi(sub[2])
		ids := attIDs
		if sub[1] == "note" {
			ids = noteIDs
		}
		if err != nil || i >= len(ids) {
			return m
		}
		return "(" + sub[1] + ":" + ids[i] + ")"
	})
}

func attachmentRef(i int) string { return "attachment:import-" + strconv.Itoa(i) }
func noteRef(i int) string       { return "note:import-" + strconv.Itoa(i) }

// addLink returns the reference for a link to the note with source, adding
// it to n.Links once.
func (n *Note) addLink(source string) string {
	for i, s := range n.Links {
		if s == source {
			return noteRef(i)
		}
	}
	n.Links = append(n.Links, source)
	return noteRef(len(n.Links) - 1)
}

// addTag adds a tag once, trimmed; empty tags are dropped.
func (n *Note) addTag(tag string) {
	tag = strings.TrimSpace(tag)
	if tag == "" {
		return
	}
	for _, t := range n.Tags {
		if t == tag {
			return
		}
	}
	n.Tags = append(n.Tags, tag)
}

func refusedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// mdEscapeLinkText escapes the characters that would end a link text.
func mdEscapeLinkText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`)
	return r.Replace(s)
}

// AttachmentName makes name fit an attachment reference (SPEC §11.3):
// 1–255 bytes of UTF-8.
func AttachmentName(name string) string {
	name = strings.ToValidUTF8(strings.TrimSpace(name), "")
	if len(name) > 255 {
		name = strings.ToValidUTF8(name[:255], "")
	}
	if name == "" {
		name = "attachment"
	}
	return name
}

func refusedOpen(err error) error { return fmt.Errorf("open import source: %w", err) }

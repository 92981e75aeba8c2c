package importer

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"cipherleaf.dev/shared/note"
)

// Vault is where an import writes; *core.Core implements it.
type Vault interface {
	// ImportedSources maps the source of every imported note to its id.
	ImportedSources() map[string]string
	NewNoteID() (string, error)
	// ImportNotes writes new notes with their files as attachments, in one
	// transaction.
	ImportNotes(batch []Pending) error
}

// Pending is one note ready to write: Body gets the attachment ids in file
// order ("" for a file not attached) and returns the body to store.
type Pending struct {
	ID    string
	Note  *note.Note
	Files []Attachment
	Body  func(attIDs []string) string
}

// batchSize is how many notes go into one vault transaction.
const batchSize = 256

// Notebooks puts an imported note into the notebook at a path ("A/B"),
// creating the notebooks it lacks.
type Notebooks interface {
	Place(n *note.Note, path string) error
}

// TagNotebooks keeps the notebook path as the tag "notebook:PATH" (SPEC
// §13.2), for vaults without notebooks.
type TagNotebooks struct{}

// Place adds the notebook tag.
func (TagNotebooks) Place(n *note.Note, path string) error {
	tag := "notebook:" + path
	if len(tag) > note.MaxTagBytes {
		tag = strings.ToValidUTF8(tag[:note.MaxTagBytes], "")
	}
	for _, t := range n.Tags {
		if t == tag {
			return nil
		}
	}
	n.Tags = append(n.Tags, tag)
	return nil
}

// Options steer a Runner.
type Options struct {
	Notebook string // parent notebook of everything imported; "" for none
	DryRun   bool   // read and count, write nothing
	// Progress, when set, is called after each note with the notes seen so far.
	Progress func(notes int)
}

// Summary is what an import did.
type Summary struct {
	Notes       int // new notes written (or, dry run, that would be)
	Existing    int // notes skipped as imported before
	Notebooks   map[string]bool
	Tags        map[string]bool
	Attachments int
	Skipped     []string // "item: reason"
	Warnings    []string // "note: problem", imported as well as possible
}

// Runner is the Sink that writes into a Vault.
type Runner struct {
	V   Vault
	NB  Notebooks
	Opt Options
	Sum Summary

	ids     map[string]string // source -> note id (existing or planned)
	pending []Pending
	have    map[string]bool // sources already in the vault
	seen    int
}

// NewRunner prepares an import into v.
func NewRunner(v Vault, nb Notebooks, opt Options) *Runner {
	r := &Runner{V: v, NB: nb, Opt: opt, ids: map[string]string{}, have: map[string]bool{},
		Sum: Summary{Notebooks: map[string]bool{}, Tags: map[string]bool{}}}
	if nb == nil {
		r.NB = TagNotebooks{}
	}
	for src, id := range v.ImportedSources() {
		r.ids[src] = id
		r.have[src] = true
	}
	return r
}

func (r *Runner) idFor(source string) (string, error) {
	if id, ok := r.ids[source]; ok {
		return id, nil
	}
	id, err := r.V.NewNoteID()
	if err != nil {
		return "", err
	}
	r.ids[source] = id
	return id, nil
}

// Note writes one note unless its source was imported before.
func (r *Runner) Note(in *Note) error {
	r.seen++
	if r.Opt.Progress != nil {
		defer r.Opt.Progress(r.seen)
	}
	if r.have[in.Source] {
		r.Sum.Existing++
		return nil
	}
	r.have[in.Source] = true
	n := &note.Note{Title: in.Title, Created: in.Created, Modified: in.Updated, Source: in.Source}
	if len(n.Source) > note.MaxSourceBytes {
		n.Source = n.Source[:note.MaxSourceBytes]
	}
	if n.Modified.IsZero() || n.Modified.Before(n.Created) {
		n.Modified = n.Created
	}
	if len(n.Title) > note.MaxTitleBytes {
		n.Title = strings.ToValidUTF8(n.Title[:note.MaxTitleBytes], "")
	}
	for _, t := range in.Tags {
		if len(t) > note.MaxTagBytes {
			t = strings.ToValidUTF8(t[:note.MaxTagBytes], "")
		}
		if t != "" && len(n.Tags) < note.MaxTags-1 {
			n.Tags = append(n.Tags, t)
		}
	}
	nb := in.Notebook
	if r.Opt.Notebook != "" {
		nb = strings.Trim(r.Opt.Notebook+"/"+nb, "/")
	}
	if nb != "" {
		if err := r.NB.Place(n, nb); err != nil {
			return fmt.Errorf("place note in notebook %s: %w", nb, err)
		}
		r.Sum.Notebooks[nb] = true
	}
	for _, t := range in.Tags {
		r.Sum.Tags[t] = true
	}
	r.Sum.Notes++
	r.Sum.Attachments += len(in.Attachments)
	if r.Opt.DryRun {
		return nil
	}
	id, err := r.idFor(in.Source)
	if err != nil {
		return err
	}
	links := make([]string, len(in.Links))
	for i, src := range in.Links {
		if links[i], err = r.idFor(src); err != nil {
			return err
		}
	}
	files := in.Attachments
	if len(files) > 256 {
		r.Warn(in.Title, fmt.Sprintf("%d attachments, only the first 256 kept", len(files)))
		files = files[:256]
	}
	r.pending = append(r.pending, Pending{ID: id, Note: n, Files: files, Body: func(attIDs []string) string { return in.Resolve(attIDs, links) }})
	if len(r.pending) >= batchSize {
		return r.Flush()
	}
	return nil
}

// Flush writes the notes not written yet.
func (r *Runner) Flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	batch := r.pending
	r.pending = nil
	return r.V.ImportNotes(batch)
}

// Import reads the source at path in format f and writes what it holds.
func (r *Runner) Import(f Format, path string) error {
	err := Read(f, path, r)
	if ferr := r.Flush(); err == nil {
		err = ferr
	}
	return err
}

// Skip counts an item not imported.
func (r *Runner) Skip(item, reason string) { r.Sum.Skipped = append(r.Sum.Skipped, item+": "+reason) }

// Warn names a note imported as well as possible.
func (r *Runner) Warn(item, problem string) {
	r.Sum.Warnings = append(r.Sum.Warnings, item+": "+problem)
}

// Print writes the summary in plain words.
func (s *Summary) Print(w io.Writer, dryRun bool) {
	verb := "imported"
	if dryRun {
		verb = "would import"
	}
	fmt.Fprintf(w, "%s %d notes, %d notebooks, %d tags, %d attachments\n", verb, s.Notes, len(s.Notebooks), len(s.Tags), s.Attachments)
	if s.Existing > 0 {
		fmt.Fprintf(w, "already imported before (left as they are): %d notes\n", s.Existing)
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "skipped %d items:\n", len(s.Skipped))
		for _, l := range countLines(s.Skipped) {
			fmt.Fprintln(w, "  "+l)
		}
	}
	if len(s.Warnings) > 0 {
		fmt.Fprintf(w, "imported as well as possible (%d):\n", len(s.Warnings))
		for _, l := range s.Warnings {
			fmt.Fprintln(w, "  "+l)
		}
	}
}

// countLines folds identical lines into "line (×N)", in first-seen order.
func countLines(lines []string) []string {
	count := map[string]int{}
	var order []string
	for _, l := range lines {
		if count[l] == 0 {
			order = append(order, l)
		}
		count[l]++
	}
	out := make([]string, 0, len(order))
	for _, l := range order {
		if count[l] > 1 {
			l = fmt.Sprintf("%s (×%d)", l, count[l])
		}
		out = append(out, l)
	}
	return out
}

// Sorted returns a set's keys in order.
func Sorted(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

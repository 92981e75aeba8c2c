package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// maxBody caps a note body read from stdin (the largest padded note).
const maxBody = 16 << 20

// readBody reads a note body from stdin.
func (a *app) readBody() (string, error) {
	b, err := io.ReadAll(io.LimitReader(a.stdin, maxBody+1))
	if err != nil {
		return "", fmt.Errorf("read body from stdin: %w", err)
	}
	if len(b) > maxBody {
		return "", &cliError{msg: fmt.Sprintf("note body over %d MiB", maxBody>>20)}
	}
	return string(b), nil
}

// noteID parses the single note ID argument of fs's command.
func noteID(fs *flag.FlagSet, args []string) (string, error) {
	pos, err := positional(fs, args, 1, "a note ID")
	if err != nil {
		return "", err
	}
	if !protocol.ValidID(pos[0]) {
		return "", usagef("%s: %q is not a note ID (see list)", fs.Name(), pos[0])
	}
	return pos[0], nil
}

func (a *app) newNote(_ context.Context, args []string) error {
	fs := newFlagSet("new")
	title := fs.String("title", "", "note title")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	body, err := a.readBody()
	if err != nil {
		return err
	}
	id, err := a.api.Create(&note.Note{Title: *title, Body: body})
	if err != nil {
		return fmt.Errorf("create note: %w", err)
	}
	_, err = fmt.Fprintln(a.stdout, id)
	return err
}

func (a *app) list(_ context.Context, args []string) error {
	fs := newFlagSet("list")
	nb := fs.String("notebook", "", "only the notes directly in this notebook ID (or root)")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	filter := *nb != ""
	id := ""
	if filter {
		var err error
		if id, err = notebookArg("list", *nb); err != nil {
			return err
		}
	}
	if err := a.unlock(); err != nil {
		return err
	}
	notes := a.api.List()
	if filter {
		notes = inNotebook(notes, id)
	}
	return writeNotes(a.stdout, notes)
}

func (a *app) show(ctx context.Context, args []string) error {
	fs := newFlagSet("show")
	rev := fs.String("rev", "", "print this revision (see history)")
	id, err := noteID(fs, args)
	if err != nil {
		return err
	}
	if *rev != "" {
		return a.showRevision(ctx, id, *rev)
	}
	if err := a.unlock(); err != nil {
		return err
	}
	n, err := a.api.Get(id)
	if err != nil {
		return fmt.Errorf("show note: %w", err)
	}
	_, err = io.WriteString(a.stdout, n.Body)
	return err
}

func (a *app) edit(_ context.Context, args []string) error {
	fs := newFlagSet("edit")
	title := fs.String("title", "", "new title (default: keep)")
	id, err := noteID(fs, args)
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	base, err := a.api.Get(id)
	if err != nil {
		return fmt.Errorf("edit note: %w", err)
	}
	body, err := a.readBody()
	if err != nil {
		return err
	}
	n := *base
	n.Body = body
	if *title != "" {
		n.Title = *title
	}
	// The app may save the note while the body is read: saved from its
	// base, a change made meanwhile is merged, or this edit kept apart.
	s, err := a.api.UpdateFrom(id, base, &n)
	if err != nil {
		return fmt.Errorf("edit note: %w", err)
	}
	if s.Conflict {
		fmt.Fprintf(a.stderr, "The note changed while you edited it: your version is kept as a \"conflicted copy\" note next to it (%s).\n", s.ID)
	}
	return nil
}

func (a *app) search(_ context.Context, args []string) error {
	fs := newFlagSet("search")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if q == "" {
		return usagef("search needs a QUERY")
	}
	if err := a.unlock(); err != nil {
		return err
	}
	return writeNotes(a.stdout, a.api.Search(q))
}

func (a *app) sync(ctx context.Context, args []string) error {
	if _, err := positional(newFlagSet("sync"), args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	r, err := a.api.Sync(ctx)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	fmt.Fprintf(a.stdout, "pushed %d, pulled %d, merged %d, conflicts %d\n", r.Pushed, r.Pulled, r.Merged, r.Conflicts)
	if r.Conflicts > 0 {
		fmt.Fprintln(a.stderr, "Some edits overlapped: your version is kept as a \"conflicted copy\" note next to the original.")
	}
	if r.Resynced {
		fmt.Fprintf(a.stderr, "This device was away longer than the server keeps deleted notes, so it synced everything again (verified): %d notes deleted on other devices were removed here, %d edits of such notes were kept as new notes.\n", r.Removed, r.Rescued)
	}
	return nil
}

package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/protocol"
)

// notebookArg parses a notebook id or "root" (returned as "").
func notebookArg(cmd, s string) (string, error) {
	if s == "root" {
		return "", nil
	}
	if !protocol.ValidID(s) {
		return "", usagef("%s: %q is not a notebook ID or root (see notebook ls)", cmd, s)
	}
	return s, nil
}

// notebook runs "notebook new|ls|mv|rm".
func (a *app) notebook(_ context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("notebook needs new, ls, mv or rm")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "new":
		fs := newFlagSet("notebook new")
		parent := fs.String("parent", "", "parent notebook ID (default: top level)")
		pos, err := positional(fs, args, 1, "a NAME")
		if err != nil {
			return err
		}
		p := ""
		if *parent != "" {
			if p, err = notebookArg("notebook new", *parent); err != nil {
				return err
			}
		}
		if err := a.unlock(); err != nil {
			return err
		}
		id, err := a.api.CreateNotebook(pos[0], p)
		if err != nil {
			return fmt.Errorf("create notebook: %w", err)
		}
		_, err = fmt.Fprintln(a.stdout, id)
		return err
	case "ls":
		if _, err := positional(newFlagSet("notebook ls"), args, 0, ""); err != nil {
			return err
		}
		if err := a.unlock(); err != nil {
			return err
		}
		var b strings.Builder
		for _, nb := range a.api.Notebooks() {
			fmt.Fprintf(&b, "%s\t%s\n", nb.ID, clean(nb.Path))
		}
		_, err := io.WriteString(a.stdout, b.String())
		return err
	case "mv":
		fs := newFlagSet("notebook mv")
		parent := fs.String("parent", "", "new parent notebook ID, or root")
		pos, err := positional(fs, args, 1, "a notebook ID")
		if err != nil {
			return err
		}
		id, err := notebookArg("notebook mv", pos[0])
		if err != nil || id == "" {
			return usagef("notebook mv: %q is not a notebook ID", pos[0])
		}
		if *parent == "" {
			return usagef("notebook mv needs --parent NB_ID or --parent root")
		}
		p, err := notebookArg("notebook mv", *parent)
		if err != nil {
			return err
		}
		if err := a.unlock(); err != nil {
			return err
		}
		if err := a.api.MoveNotebook(id, p); err != nil {
			return fmt.Errorf("move notebook: %w", err)
		}
		return nil
	case "rm":
		fs := newFlagSet("notebook rm")
		trash := fs.Bool("trash-notes", false, "move its notes to the trash (default: to its parent)")
		pos, err := positional(fs, args, 1, "a notebook ID")
		if err != nil {
			return err
		}
		id, err := notebookArg("notebook rm", pos[0])
		if err != nil || id == "" {
			return usagef("notebook rm: %q is not a notebook ID", pos[0])
		}
		if err := a.unlock(); err != nil {
			return err
		}
		if err := a.api.DeleteNotebook(id, *trash); err != nil {
			return fmt.Errorf("delete notebook: %w", err)
		}
		return nil
	}
	return usagef("notebook: unknown subcommand %q (new, ls, mv, rm)", sub)
}

// mv runs "mv NOTE_ID NB_ID|root".
func (a *app) mv(_ context.Context, args []string) error {
	pos, err := positional(newFlagSet("mv"), args, 2, "NOTE_ID and NB_ID (or root)")
	if err != nil {
		return err
	}
	if !protocol.ValidID(pos[0]) {
		return usagef("mv: %q is not a note ID (see list)", pos[0])
	}
	nb, err := notebookArg("mv", pos[1])
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if err := a.api.MoveNote(pos[0], nb); err != nil {
		return fmt.Errorf("move note: %w", err)
	}
	return nil
}

// inNotebook keeps the notes whose notebook is nb.
func inNotebook(notes []core.NoteInfo, nb string) []core.NoteInfo {
	var out []core.NoteInfo
	for _, n := range notes {
		if n.Notebook == nb {
			out = append(out, n)
		}
	}
	return out
}

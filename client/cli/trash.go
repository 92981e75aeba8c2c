package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"cipherleaf.dev/client/core"
)

func (a *app) rm(_ context.Context, args []string) error {
	fs := newFlagSet("rm")
	forever := fs.Bool("forever", false, "delete for good instead of moving to the trash")
	id, err := noteID(fs, args)
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if *forever {
		if err := a.api.Delete(id); err != nil {
			return fmt.Errorf("delete note: %w", err)
		}
		return nil
	}
	if err := a.api.Trash(id); err != nil {
		return fmt.Errorf("trash note: %w", err)
	}
	return nil
}

func (a *app) untrash(_ context.Context, args []string) error {
	id, err := noteID(newFlagSet("untrash"), args)
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if err := a.api.Untrash(id); err != nil {
		return fmt.Errorf("untrash note: %w", err)
	}
	return nil
}

func (a *app) trash(_ context.Context, args []string) error {
	if _, err := positional(newFlagSet("trash"), args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	return writeTrash(a.stdout, a.api.TrashList())
}

// writeTrash prints one trashed note a line: ID<TAB>TITLE<TAB>DELETED.
func writeTrash(w io.Writer, items []core.TrashInfo) error {
	var b strings.Builder
	for _, t := range items {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", t.ID, clean(t.Title), stamp(t.Trashed))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

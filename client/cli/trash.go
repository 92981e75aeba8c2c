package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
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

// emptyTrash deletes every note in the trash for good, after a yes on the
// terminal or with --yes.
func (a *app) emptyTrash(_ context.Context, args []string) error {
	fs := newFlagSet("empty-trash")
	yes := fs.Bool("yes", false, "do not ask")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	n := len(a.api.TrashList())
	if n == 0 {
		return nil
	}
	if !*yes {
		if a.term == nil {
			return &cliError{msg: fmt.Sprintf("empty-trash deletes %d note(s) for good on every device: add --yes", n)}
		}
		ok, err := a.term.Confirm(fmt.Sprintf("Delete the %d note(s) in the trash for good, on every device? [y/N] ", n))
		if err != nil {
			return err
		}
		if !ok {
			return &cliError{msg: "the trash was not emptied"}
		}
	}
	if err := a.api.EmptyTrash(); err != nil {
		return fmt.Errorf("empty trash: %w", err)
	}
	return nil
}

// trashDays prints the account's trash retention in days, or sets it
// (SPEC §12.3, §12.5: 1-3650, default 30; an encrypted account setting
// the next sync takes to every device).
func (a *app) trashDays(_ context.Context, args []string) error {
	fs := newFlagSet("trash-days")
	if err := parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) > 1 {
		return usagef("trash-days takes at most one number of days")
	}
	d := 0
	if len(rest) == 1 {
		var err error
		if d, err = strconv.Atoi(rest[0]); err != nil || d < 1 || d > 3650 {
			return usagef("trash-days: DAYS must be a whole number from 1 to 3650")
		}
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if d == 0 {
		days, err := a.api.TrashDays()
		if err != nil {
			return fmt.Errorf("read trash retention: %w", err)
		}
		_, err = fmt.Fprintln(a.stdout, days)
		return err
	}
	if err := a.api.SetTrashDays(d); err != nil {
		return fmt.Errorf("set trash retention: %w", err)
	}
	return nil
}

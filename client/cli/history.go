package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// history runs "history NOTE_ID": REV<TAB>TIME a line, newest first.
func (a *app) history(ctx context.Context, args []string) error {
	id, err := noteID(newFlagSet("history"), args)
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	revs, err := a.api.History(ctx, id)
	if err != nil {
		return fmt.Errorf("list revisions: %w", err)
	}
	var b strings.Builder
	for _, r := range revs {
		fmt.Fprintf(&b, "%d\t%s\n", r.Rev, stamp(r.Time))
	}
	_, err = io.WriteString(a.stdout, b.String())
	return err
}

// parseRev reads a revision number.
func parseRev(cmd, s string) (uint64, error) {
	rev, err := strconv.ParseUint(s, 10, 64)
	if err != nil || rev == 0 {
		return 0, usagef("%s: %q is not a revision (see history)", cmd, s)
	}
	return rev, nil
}

// showRevision prints one revision's body.
func (a *app) showRevision(ctx context.Context, id, revText string) error {
	rev, err := parseRev("show", revText)
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	n, err := a.api.RevisionNote(ctx, id, rev)
	if err != nil {
		return fmt.Errorf("show revision: %w", err)
	}
	_, err = io.WriteString(a.stdout, n.Body)
	return err
}

// restore runs "restore NOTE_ID REV".
func (a *app) restore(ctx context.Context, args []string) error {
	pos, err := positional(newFlagSet("restore"), args, 2, "NOTE_ID and REV")
	if err != nil {
		return err
	}
	id, err := noteID(newFlagSet("restore"), pos[:1])
	if err != nil {
		return err
	}
	rev, err := parseRev("restore", pos[1])
	if err != nil {
		return err
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if err := a.api.Restore(ctx, id, rev); err != nil {
		return fmt.Errorf("restore note: %w", err)
	}
	return nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/shared/note"
	"cipherleaf.dev/shared/protocol"
)

// attachments is what the attachment commands need of the core (SPEC §11).
type attachments interface {
	Attach(noteID, path string) (string, error)
	Attachments(noteID string) ([]note.Attachment, error)
	SaveAttachment(ctx context.Context, noteID, attID, dest string, progress attach.Progress) error
	Detach(noteID, attID string) error
}

var errNoAttachments = errors.New("this build cannot handle attachments")

func (a *app) attachCore() (attachments, error) {
	ac, ok := a.api.(attachments)
	if !ok {
		return nil, errNoAttachments
	}
	return ac, a.unlock()
}

// ids parses NOTE_ID [ATT_ID] positionals.
func ids(fs interface {
	Name() string
}, pos []string) error {
	for _, id := range pos {
		if !protocol.ValidID(id) {
			return usagef("%s: %q is not an ID", fs.Name(), id)
		}
	}
	return nil
}

func (a *app) attach(_ context.Context, args []string) error {
	fs := newFlagSet("attach")
	pos, err := positional(fs, args, 2, "a note ID and a file")
	if err != nil {
		return err
	}
	if err := ids(fs, pos[:1]); err != nil {
		return err
	}
	ac, err := a.attachCore()
	if err != nil {
		return err
	}
	id, err := ac.Attach(pos[0], pos[1])
	if err != nil {
		return fmt.Errorf("attach: %w", err)
	}
	fmt.Fprintln(a.stdout, id)
	return nil
}

func (a *app) listAttachments(_ context.Context, args []string) error {
	fs := newFlagSet("attachments")
	pos, err := positional(fs, args, 1, "a note ID")
	if err != nil {
		return err
	}
	if err := ids(fs, pos); err != nil {
		return err
	}
	ac, err := a.attachCore()
	if err != nil {
		return err
	}
	list, err := ac.Attachments(pos[0])
	if err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	for _, at := range list {
		fmt.Fprintf(a.stdout, "%s\t%s\t%d\n", at.ID, strings.ReplaceAll(oneLine(at.Name), "\t", " "), at.Size)
	}
	return nil
}

func (a *app) getAttachment(ctx context.Context, args []string) error {
	fs := newFlagSet("get")
	out := fs.String("out", "", "file to write (replaced only once the attachment verified)")
	pos, err := positional(fs, args, 2, "a note ID and an attachment ID")
	if err != nil {
		return err
	}
	if err := ids(fs, pos); err != nil {
		return err
	}
	if *out == "" {
		return usagef("get: --out PATH is required")
	}
	ac, err := a.attachCore()
	if err != nil {
		return err
	}
	dest, err := filepath.Abs(*out)
	if err != nil {
		return usagef("get: %v", err)
	}
	if err := ac.SaveAttachment(ctx, pos[0], pos[1], dest, nil); err != nil {
		return fmt.Errorf("get: %w", err)
	}
	return nil
}

func (a *app) detach(_ context.Context, args []string) error {
	fs := newFlagSet("detach")
	pos, err := positional(fs, args, 2, "a note ID and an attachment ID")
	if err != nil {
		return err
	}
	if err := ids(fs, pos); err != nil {
		return err
	}
	ac, err := a.attachCore()
	if err != nil {
		return err
	}
	if err := ac.Detach(pos[0], pos[1]); err != nil {
		return fmt.Errorf("detach: %w", err)
	}
	return nil
}

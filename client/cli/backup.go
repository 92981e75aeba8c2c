package cli

import (
	"context"
	"fmt"
)

// plainWarning follows a --plain export.
const plainWarning = "WARNING: %s holds your notes UNENCRYPTED. Anyone who can read it can read them; delete it when you are done."

func (a *app) export(_ context.Context, args []string) error {
	fs := newFlagSet("export")
	out := fs.String("out", "", "output path")
	plain := fs.Bool("plain", false, "write an unencrypted folder of Markdown files")
	if _, err := positional(fs, args, 0, ""); err != nil {
		return err
	}
	if *out == "" {
		return usagef("export needs --out PATH")
	}
	if err := a.unlock(); err != nil {
		return err
	}
	if !*plain {
		if err := a.api.ExportEncrypted(*out); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	if err := a.api.ExportMarkdown(*out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(a.stderr, plainWarning+"\n", *out)
	return nil
}

// importBackup imports an encrypted backup, opened with the account password.
func (a *app) importBackup(_ context.Context, args []string) error {
	pos, err := positional(newFlagSet("import"), args, 1, "the backup's PATH")
	if err != nil {
		return err
	}
	pw, err := a.unlockWithPassword()
	if err != nil {
		return err
	}
	defer clear(pw)
	n, err := a.api.Import(pos[0], pw)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(a.stdout, "imported %d notes\n", n)
	return nil
}

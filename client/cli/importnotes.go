package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"cipherleaf.dev/client/importer"
)

// importCmd imports another app's export, or (detected by its header) a
// Cipherleaf encrypted backup.
func (a *app) importCmd(ctx context.Context, args []string) error {
	fs := newFlagSet("import")
	from := fs.String("from", "", "source format: enex, joplin, standardnotes, keep or markdown (detected when omitted)")
	notebook := fs.String("notebook", "", "put everything imported under this notebook")
	dry := fs.Bool("dry-run", false, "read and count, write nothing")
	pos, err := positional(fs, args, 1, "the PATH to import")
	if err != nil {
		return err
	}
	path := pos[0]
	_, statErr := os.Stat(path)
	if *from == "" && (statErr != nil || importer.IsCipherleafBackup(path)) {
		// A Cipherleaf backup, or nothing there: the backup import says why.
		if *notebook != "" || *dry {
			return usagef("import: --notebook and --dry-run are for other apps' exports, not a Cipherleaf backup")
		}
		return a.importBackup(ctx, []string{path})
	}
	format := importer.Format(strings.ToLower(*from))
	if format == "" {
		if format, err = importer.Detect(path); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		fmt.Fprintf(a.stderr, "import: reading %s as %s\n", path, format)
	}
	var v importer.Vault = dryVault{}
	if !*dry {
		if err := a.unlock(); err != nil {
			return err
		}
		var ok bool
		if v, ok = a.api.(importer.Vault); !ok {
			return errors.New("import: this build cannot write imported notes")
		}
	}
	var nb importer.Notebooks // nil: notebook paths as tags (a dry run)
	if withNB, ok := v.(interface{ ImportNotebooks() importer.Notebooks }); ok {
		nb = withNB.ImportNotebooks()
	}
	r := importer.NewRunner(v, nb, importer.Options{Notebook: *notebook, DryRun: *dry, Progress: func(n int) {
		if n%500 == 0 {
			fmt.Fprintf(a.stderr, "import: %d notes read\n", n)
		}
	}})
	err = r.Import(format, path)
	r.Sum.Print(a.stdout, *dry)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// dryVault holds nothing: a dry run counts every note as new.
type dryVault struct{ importer.Vault }

func (dryVault) ImportedSources() map[string]string { return nil }

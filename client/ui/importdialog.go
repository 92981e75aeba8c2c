package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/importer"
)

// NoteImporter is what "Import from another app…" calls (SPEC §13);
// *core.Core implements it. The import reads local files only and writes
// the vault: nothing of it reaches the network until the next sync.
type NoteImporter interface {
	importer.Vault
	ImportNotebooks() importer.Notebooks
}

// importSources are the choices of the source list, "detect" first.
var importSources = []struct {
	label  string
	format importer.Format
}{
	{"Detect from the file", ""},
	{"Evernote (.enex)", importer.ENEX},
	{"Joplin (.jex or RAW folder)", importer.Joplin},
	{"Standard Notes (decrypted backup)", importer.StandardNotes},
	{"Google Keep (Takeout)", importer.Keep},
	{"Obsidian vault or Markdown folder", importer.Markdown},
}

// importView is the "Import from another app" dialog's state.
type importView struct {
	u        *UI
	source   *widget.Select
	path     *entry
	notebook *entry
	dryRun   *widget.Check
	dry      bool // the run was a dry run
	form     *formDialog
	sum      importer.Summary
	format   importer.Format
}

// showImport opens the import dialog: a source, a file or folder, and an
// optional notebook to put everything under. The import runs in the
// background with its progress in the dialog; a summary follows.
func (u *UI) showImport(then func()) {
	v := &importView{u: u}
	labels := make([]string, len(importSources))
	for i, s := range importSources {
		labels[i] = s.label
	}
	v.source = widget.NewSelect(labels, nil)
	v.source.SetSelectedIndex(0)
	v.path = newEntry(u.sc)
	v.path.SetPlaceHolder("File or folder to import")
	v.notebook = newEntry(u.sc)
	v.notebook.SetPlaceHolder("Notebook to put everything under (optional)")
	v.dryRun = widget.NewCheck("Only count what would be imported (dry run: nothing is written)", nil)
	chooseFile := widget.NewButtonWithIcon("File…", theme.FileIcon(), func() {
		u.fileDialog(dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			v.path.SetText(r.URI().Path())
			_ = r.Close()
		}, u.win))
	})
	chooseFolder := widget.NewButtonWithIcon("Folder…", theme.FolderOpenIcon(), func() {
		u.fileDialog(dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err != nil || dir == nil {
				return
			}
			v.path.SetText(dir.Path())
		}, u.win))
	})
	content := container.NewVBox(
		paragraph("Bring notes, notebooks, tags and attachments from Evernote, Joplin, Standard Notes, Google Keep, Obsidian or a folder of Markdown files. They are encrypted on this device and synced like notes you write; notes imported before are left as they are."),
		settingRow("From", v.source),
		container.NewBorder(nil, nil, nil, container.NewHBox(chooseFile, chooseFolder), v.path),
		v.notebook,
		v.dryRun,
	)
	v.form = u.showForm("Import from another app", "Import", false, withMinSize(560, 0, content), v.check, v.run, func() {
		if then != nil {
			then()
		}
		v.showSummary()
	})
	v.form.busyText = "Reading…"
	v.path.OnChanged = func(string) { v.form.recheck() }
	v.path.OnSubmitted = func(string) { v.form.ok.OnTapped() }
	v.notebook.OnSubmitted = v.path.OnSubmitted
	u.win.Canvas().Focus(v.path)
}

// check enables Import once a path is there.
func (v *importView) check() string {
	if strings.TrimSpace(v.path.Text) == "" {
		return "Choose a file or folder to import."
	}
	return ""
}

// run reads the chosen export into the vault, off the UI thread. The
// fields are read here, before anything slow, and not again.
func (v *importView) run() error {
	path := strings.TrimSpace(v.path.Text)
	format := importSources[max(v.source.SelectedIndex(), 0)].format
	notebook := strings.TrimSpace(v.notebook.Text)
	v.dry = v.dryRun.Checked
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if importer.IsCipherleafBackup(path) {
		return fmt.Errorf("%w: %s is a Cipherleaf backup, which “Import backup…” opens with its password", importer.ErrRefused, filepath.Base(path))
	}
	if format == "" {
		f, err := importer.Detect(path)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		format = f
	}
	v.format = format
	// A dry run places notes by "notebook:" tag in memory: real notebooks
	// would be created in the vault.
	nb := v.u.api.ImportNotebooks()
	if v.dry {
		nb = nil
	}
	r := importer.NewRunner(v.u.api, nb, importer.Options{Notebook: notebook, DryRun: v.dry,
		Progress: func(n int) {
			if n%100 == 0 {
				v.u.do(func() { v.form.busyTx.SetText(fmt.Sprintf("Reading… %d notes so far", n)) })
			}
		}})
	err := r.Import(format, path)
	v.sum = r.Sum
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// showSummary says what the import did, in full (it can be long: every
// skipped item and every note imported only as well as possible).
func (v *importView) showSummary() {
	var b strings.Builder
	v.sum.Print(&b, v.dry)
	text := widget.NewLabel(strings.TrimSpace(b.String()))
	text.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(text)
	scroll.SetMinSize(fyne.NewSize(520, min(360, text.MinSize().Height+theme.Padding()*2)))
	var d *dialog.CustomDialog
	ok := newKeyButton(v.u.sc, "OK", nil, func() { d.Hide() })
	ok.Importance = widget.HighImportance
	title := "Import finished"
	if v.dry {
		title = "Dry run finished: nothing was written"
	}
	d = dialog.NewCustomWithoutButtons(title, scroll, v.u.win)
	d.SetButtons([]fyne.CanvasObject{ok})
	v.u.trackModal(d, nil)
	d.Show()
	v.u.win.Canvas().Focus(ok)
}

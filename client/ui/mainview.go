package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/mdview"
	"cipherleaf.dev/shared/note"
)

// sidebarWidth is the note list's width; the split never makes it narrower.
const sidebarWidth = 280

// mainView is the notes screen: toolbar, list beside editor, status line.
// The centre shows either the notes or, for a while, the resolve view.
type mainView struct {
	u       *UI
	list    *noteList
	editor  *editor
	attach  *attachBar
	status  *statusBar
	saver   *autosaver
	split   *container.Split
	center  *fyne.Container
	content fyne.CanvasObject

	side    *sidebar     // notebooks, tags, trash (sidebar.go)
	undo    *undoBar     // "Moved to the trash. Undo" (trash.go)
	trash   *trashView   // shown in the centre while not nil
	history *historyView // shown in the centre while not nil (history.go)

	newBt, syncBt, lockBt, settingsBt *widget.Button
	moveBt, historyBt                 *widget.Button
}

func (u *UI) newMainView() *mainView {
	m := &mainView{u: u}
	m.status = newStatusBar(u.now, m.syncNow)
	m.status.onRepin = u.reviewCertificate
	m.saver = newAutosaver(u.opts.AutosaveDelay, u.tick, func(id string, base, n *note.Note) (core.Saved, error) {
		return u.api.AutosaveFrom(id, base, ownFields(u.api, id, n))
	}, func(id string, sent *note.Note, s core.Saved, err error) {
		u.do(func() { m.saved(id, sent, s, err) })
	})
	m.list = newNoteList(u.api, u.sc, u.now)
	m.editor = newEditor(u.api, u.sc, u.now, m.saver)

	m.list.onOpen = m.open
	m.list.onResolve = m.showResolve
	m.list.onTouch = u.touch
	m.editor.onEdited = func(id string, n *note.Note) {
		u.touch()
		m.list.showEdit(id, n)
		m.status.saveState("Editing…", nil)
	}
	m.editor.onTitle = func(title string, open bool) { u.setTitle(noteWindowTitle(title, open)) }
	m.editor.onNew = m.newNote
	m.editor.onDelete = m.confirmDelete
	m.editor.onResolve = m.showResolve
	m.editor.focus = u.win.Canvas().Focus
	m.list.focus = u.win.Canvas().Focus
	m.list.onEnter = m.editor.focusBody
	m.list.onConflicts = m.status.setConflicts
	m.attach = newAttachBar(u, m)
	m.editor.handlers = mdview.Handlers{
		OpenURL:  u.app.OpenURL,
		OpenNote: m.openByTitle,
		Image:    m.attach.image,
		Notice:   func(msg string) { u.inform("Link not opened", msg) },
	}
	m.editor.setMonospace(u.app.Preferences().Bool(prefMonospace))
	m.side = newSidebar(u)
	m.side.onSelect = m.navigate
	m.list.onTag = m.side.selectTag
	m.list.onDrop = m.dropNote
	m.undo = newUndoBar(u)

	m.newBt = widget.NewButtonWithIcon("New note", theme.ContentAddIcon(), m.newNote)
	m.syncBt = widget.NewButtonWithIcon("Sync now", theme.ViewRefreshIcon(), m.syncNow)
	m.lockBt = widget.NewButtonWithIcon("Lock", lockIcon(), u.lock)
	m.settingsBt = widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), m.showSettings)
	m.moveBt = widget.NewButtonWithIcon("Move to…", theme.FolderOpenIcon(), m.showMoveTo)
	m.historyBt = widget.NewButtonWithIcon("History", theme.HistoryIcon(), m.showHistory)
	for _, b := range []*widget.Button{m.newBt, m.syncBt, m.lockBt, m.settingsBt, m.moveBt, m.historyBt} {
		b.Importance = widget.LowImportance
	}
	brand := container.NewHBox(widget.NewIcon(leafIcon()), subheading("Cipherleaf"))
	toolbar := container.NewVBox(
		container.NewBorder(nil, nil, brand, container.NewHBox(m.newBt, m.syncBt, m.moveBt, m.historyBt, layout.NewSpacer(), m.lockBt, m.settingsBt)),
		widget.NewSeparator(), m.status.banner)

	m.split = container.NewHSplit(withMinSize(sidebarWidth, 0, m.list.content), container.NewBorder(nil, m.attach.content, nil, nil, m.editor.content))
	// The sidebar starts at its minimum width, or where the user left it.
	m.split.Offset = u.app.Preferences().Float(prefSplit)
	m.center = container.NewStack(m.split)
	bottom := container.NewVBox(m.undo.content, m.status.content)
	// Built by hand for the Tab order: toolbar, sidebar, list, editor.
	m.content = container.New(layout.NewBorderLayout(toolbar, bottom, m.side.content, nil), toolbar, m.side.content, m.center, bottom)
	m.status.relayout = func() { relayout(m.content) }
	return m
}

// showMain shows the notes screen and starts background sync and auto-lock.
func (u *UI) showMain() {
	m := u.newMainView()
	u.main = m
	u.setContent(m.content)
	u.setTitle(noteWindowTitle("", false))
	m.bindShortcuts()
	u.win.SetOnDropped(m.attach.dropped)

	ctx, cancel := context.WithCancel(context.Background())
	u.syncCancel = cancel
	u.api.StartAutoSync(ctx, u.opts.SyncEvery)
	u.idle.Start(time.Duration(u.autoLockMinutes()) * time.Minute)
	m.status.set(u.api.Status())
	m.status.setConflicts(len(u.api.Conflicts()))

	if len(m.list.model.items) > 0 {
		m.list.list.Select(0)
	}
	m.syncNow() // catch up with other devices right after unlocking
	if !u.screenDone {
		u.screenDone = true
		switch u.opts.Screen {
		case "settings":
			m.showSettings()
		case "preview":
			// The richest note (the seed's "Markdown tour"), rendered.
			for _, n := range u.api.List() {
				if n.Title == "Markdown tour" {
					m.open(n.ID)
				}
			}
			if !m.editor.previewOn {
				m.editor.togglePreview()
			}
		case "resolve":
			if c := u.api.Conflicts(); len(c) > 0 {
				m.showResolve(c[0].ID)
			}
		case "repin":
			u.reviewCertificate()
		case "notebooks", "history", "trash":
			m.showOrganizeScreen(u.opts.Screen) // sidebar.go
		}
	}
}

func (m *mainView) bindShortcuts() {
	sc := m.u.sc
	sc.set(scNew, m.newNote)
	sc.set(scSearch, m.focusSearch)
	sc.set(scLock, m.u.lock)
	sc.set(scSync, m.syncNow)
	sc.set(scDelete, m.confirmDelete)
	sc.set(scDeleteAlt, m.confirmDelete)
	sc.set(scSwitcher, m.quickSwitch)
	sc.set(scLink, m.linkNote)
	sc.set(scPreview, m.editor.togglePreview)
	sc.set(scMoveTo, m.showMoveTo)
	sc.set(scHistory, m.showHistory)
}

// openByTitle opens the note a [[title]] link names: the most recently
// changed one with that title, ignoring case.
func (m *mainView) openByTitle(title string) {
	want := strings.ToLower(strings.TrimSpace(title))
	for _, n := range m.u.api.List() {
		if strings.ToLower(displayTitle(n.Title)) == want {
			m.list.search.SetText("")
			m.open(n.ID)
			return
		}
	}
	m.u.inform("No such note", "No note is called “"+title+"”. Check the spelling in the link, or create a note with that title.")
}

// quickSwitch opens a note picked by fuzzy title (Ctrl+P).
func (m *mainView) quickSwitch() {
	m.u.touch()
	m.u.showSwitcher("Open a note", "Type part of a title", func(n core.NoteInfo) {
		m.list.search.SetText("")
		m.open(n.ID)
		m.editor.focusBody()
	})
}

// linkNote inserts a [[title]] link to a picked note at the cursor (Ctrl+K).
func (m *mainView) linkNote() {
	m.u.touch()
	if m.editor.id == "" || m.editor.previewOn {
		return
	}
	m.u.showSwitcher("Link to a note", "Type part of a title", func(n core.NoteInfo) {
		m.editor.insertLink(displayTitle(n.Title))
	})
}

// setCenter replaces the centre (list and editor) with o, or restores it
// when o is nil.
func (m *mainView) setCenter(o fyne.CanvasObject) {
	if o == nil {
		o = m.split
		m.bindShortcuts()
	} else {
		for _, s := range []fyne.Shortcut{scNew, scDelete, scDeleteAlt, scSearch, scSwitcher, scLink, scPreview, scMoveTo, scHistory} {
			m.u.sc.set(s, nil)
		}
	}
	m.center.Objects = []fyne.CanvasObject{o}
	m.center.Refresh()
}

// open shows note id in the editor. Leaving a note is an explicit save: it
// ends that note's typing session (SPEC §12.4).
func (m *mainView) open(id string) {
	if prev := m.editor.id; prev != "" && prev != id {
		m.editor.flush()
		m.u.api.EndTyping(prev)
	}
	if err := m.editor.open(id); err != nil {
		m.editor.showEmpty("This note can't be opened. " + words(err))
		return
	}
	m.list.selectID(id)
	m.attach.show(id)
	m.status.saveState("", nil)
}

// newNote creates an empty note and puts the cursor in its title.
func (m *mainView) newNote() {
	m.u.touch()
	m.editor.flush()
	now := m.u.now()
	n := &note.Note{Created: now, Modified: now, Notebook: m.side.selectedNotebook()}
	m.u.background(func() func() {
		id, err := m.u.api.Create(n)
		return func() {
			if m.u.main != m {
				return
			}
			if err != nil {
				m.u.showError("Couldn't create a note", err)
				return
			}
			m.list.search.SetText("") // reloads the list
			m.list.reload()
			m.editor.show(id, n)
			m.attach.show(id) // else Attach, a drop or a paste went to the previous note
			m.list.selectID(id)
			m.u.win.Canvas().Focus(m.editor.title)
		}
	})
}

// confirmDelete moves the open note to the trash, with Undo for a few
// seconds (trash.go); the trash deletes for good, after asking.
func (m *mainView) confirmDelete() {
	m.u.touch()
	id := m.editor.id
	if id == "" {
		return
	}
	m.trashNote(id, displayTitle(m.editor.title.Text))
}

// syncNow runs a sync in the background; its progress arrives as events.
func (m *mainView) syncNow() {
	m.u.touch()
	m.editor.flush()
	m.u.api.EndTyping("") // Ctrl+S is an explicit save (SPEC §12.4)
	m.status.set(core.SyncStatus{State: core.StateSyncing, Pending: m.u.api.Status().Pending})
	m.u.background(func() func() {
		_, err := m.u.api.Sync(context.Background())
		return func() {
			if m.u.main != m {
				return
			}
			st := m.u.api.Status()
			if err != nil && st.State != core.StateOffline && st.State != core.StateError {
				st = core.SyncStatus{State: core.StateError, Err: err, Pending: st.Pending}
			}
			m.status.set(st)
			m.notesChanged()
		}
	})
}

func (m *mainView) focusSearch() {
	m.u.touch()
	m.u.win.Canvas().Focus(m.list.search)
}

// notesChanged refreshes the list and, if the user is not typing, the
// open note.
func (m *mainView) notesChanged() {
	ov := m.u.api.Overview() // one read for the editor, the list and the sidebar
	if m.editor.followConflict(ov.Notes) {
		m.list.reloadFrom(&ov)
		m.list.selectID(m.editor.id)
		m.side.reloadFrom(&ov)
		return
	}
	m.list.reloadFrom(&ov)
	m.editor.reloadIfIdle()
	m.attach.refresh()
	m.side.reloadFrom(&ov)
	if m.trash != nil {
		m.trash.reload()
	}
}

// reloadLists refreshes the note list and the sidebar from one read of the
// core.
func (m *mainView) reloadLists() {
	ov := m.u.api.Overview()
	m.list.reloadFrom(&ov)
	m.side.reloadFrom(&ov)
}

// saved is the autosaver's report, on the UI thread.
func (m *mainView) saved(id string, sent *note.Note, s core.Saved, err error) {
	if m.u.main != m {
		return
	}
	if err != nil {
		m.status.saveState("", err)
		return
	}
	m.editor.afterSave(id, sent, s)
	if !m.saver.Pending() {
		m.status.saveState("Saved", nil)
	}
	m.list.reload()
}

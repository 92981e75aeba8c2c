package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"cipherleaf.dev/client/core"
)

// Options configure the UI. The zero value is usable.
type Options struct {
	// ServerURL and Pin pre-fill the first-run screen: with both set, the
	// server's certificate is trusted when its fingerprint equals Pin.
	ServerURL string
	Pin       string

	// Theme overrides the stored theme choice ("light", "dark", "system").
	Theme string
	// Screen opens a given screen once unlocked: "settings", "resolve"
	// (the first conflict), "preview" (the rendered "Markdown tour" note,
	// else the first), "repin" (the certificate review, when the server's
	// certificate changed), "notebooks", "history" (of "Garden plans") or
	// "trash". Used to take screenshots.
	Screen string
	// Size is the initial window size; when zero the window opens at its
	// last size, or a size derived from ScreenPixels, never larger than
	// the screen.
	Size fyne.Size
	// ScreenPixels is the primary screen's size in pixels (zero when
	// unknown) and ScreenScale the pixels per Fyne unit the window gets
	// there (FYNE_SCALE included).
	ScreenPixels fyne.Size
	ScreenScale  float32
	// Placer moves the window to where it was last time and reports where
	// it is (window.go); nil where the driver cannot (tests).
	Placer WindowPlacer

	// ImageClipboard reads an image from the system clipboard, so that
	// pasting one into a note attaches it (paste.go); nil where there is
	// none, and then a paste is text only.
	ImageClipboard ImageClipboard

	// AutosaveDelay is the pause in typing before an edit is saved
	// (default 700 ms). SyncEvery is the background sync period (default 1 min).
	AutosaveDelay time.Duration
	SyncEvery     time.Duration

	// Now and AfterFunc replace the clock and timers in tests.
	Now       func() time.Time
	AfterFunc func(d time.Duration, f func()) interface{ Stop() bool }
}

// Preference keys.
const (
	prefAutoLock  = "autolock_minutes"
	prefTheme     = "theme"
	prefMonospace = "editor_monospace"
)

const defaultAutoLockMinutes = 10

// UI is the Cipherleaf window and the screens it shows.
type UI struct {
	app  fyne.App
	api  Core
	opts Options
	win  fyne.Window
	now  func() time.Time
	tick afterFunc

	sc    *shortcuts
	idle  *idleLock
	main  *mainView
	unsub func()

	shutdownOnce sync.Once
	windowGone   bool // set by Close: the app's loop has ended

	syncCancel  context.CancelFunc
	syncHold    func() // releases auto-lock's hold while a sync runs
	triedDevice bool
	screenDone  bool
	signingIn   bool // the sign-in-again dialog is open

	inflight atomic.Int64 // background tasks not yet finished
	taskDone func()       // test hook, called after each task finishes

	// do and doAndWait hand work to the UI thread: fyne.Do and
	// fyne.DoAndWait, which tests replace with a queue they drain.
	do, doAndWait func(func())
}

// New builds the UI for api in app a. Call Show to open the window.
func New(a fyne.App, api Core, opts Options) *UI {
	u := &UI{app: a, api: api, opts: opts, now: opts.Now, tick: realAfterFunc, sc: newShortcuts(),
		do: fyne.Do, doAndWait: fyne.DoAndWait}
	if u.now == nil {
		u.now = time.Now
	}
	if opts.AfterFunc != nil {
		u.tick = func(d time.Duration, f func()) timer { return opts.AfterFunc(d, f) }
	}
	if u.opts.SyncEvery <= 0 {
		u.opts.SyncEvery = time.Minute
	}
	choice := opts.Theme
	if choice == "" {
		choice = a.Preferences().StringWithFallback(prefTheme, themeSystem)
	}
	applyTheme(a, choice)

	u.win = a.NewWindow("Cipherleaf")
	size := opts.Size
	if size.IsZero() {
		size = firstWindowSize(opts.ScreenPixels, opts.ScreenScale, u.savedWindowSize())
	}
	u.win.Resize(size)
	u.sc.install(u.win.Canvas())
	u.sc.activity = u.touch
	u.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		u.touch()
		u.sc.key(ev)
	})
	u.sc.onKey = u.screenKey
	u.idle = newIdleLock(u.now, u.tick, func() { u.do(u.autoLock) })
	u.unsub = api.Subscribe(func(ev core.Event) { u.do(func() { u.onEvent(ev) }) })
	u.win.SetCloseIntercept(func() {
		u.shutdown()
		u.win.Close()
	})
	return u
}

// Window is the app's window.
func (u *UI) Window() fyne.Window { return u.win }

// Show opens the window on the screen the profile calls for: first run,
// unlock or the notes.
func (u *UI) Show() {
	u.route()
	u.win.Show()
	u.restorePosition()
}

// route shows the screen for the current state of the core.
func (u *UI) route() {
	switch {
	case !u.api.HasAccount():
		u.showFirstRun(modeCreate)
	case u.api.Locked():
		u.showUnlock()
	default:
		u.showMain()
	}
}

// setContent replaces the window's content and drops the shortcuts of the
// previous screen.
func (u *UI) setContent(o fyne.CanvasObject) {
	u.sc = u.resetShortcuts()
	u.win.SetContent(container.NewStack(newActivityArea(u.touch), o))
}

func (u *UI) resetShortcuts() *shortcuts {
	for k := range u.sc.actions {
		delete(u.sc.actions, k)
	}
	u.sc.set(scHelp, u.showHelp)
	return u.sc
}

// screenKey handles the keys every screen answers when no dialog is open.
func (u *UI) screenKey(ev *fyne.KeyEvent) bool {
	if ev.Name == fyne.KeyF1 {
		u.showHelp()
		return true
	}
	return false
}

// background runs work off the UI thread; the function it returns (if any)
// then runs on the UI thread.
//
// Auto-lock waits while background work runs, so an export, import or
// sync is never refused halfway by a lock.
func (u *UI) background(work func() (then func())) {
	u.inflight.Add(1)
	release := u.idle.Hold()
	go func() {
		defer func() {
			release()
			u.inflight.Add(-1)
			if u.taskDone != nil {
				u.taskDone()
			}
		}()
		if then := work(); then != nil {
			u.doAndWait(then)
		}
	}()
}

// touch records user activity for auto-lock.
func (u *UI) touch() { u.idle.Touch() }

// Activity records that the person used the pointer somewhere in the
// window. The desktop driver's hook (cmd/cipherleaf, pointer.go) calls it
// for every pointer move, button and wheel turn, also over widgets that
// keep those events to themselves, such as the editor's own scroller.
// It is cheap and safe to call from any goroutine.
func (u *UI) Activity() { u.touch() }

// holdWhileSyncing keeps auto-lock off while a sync (also a background
// one started by the core) is running.
func (u *UI) holdWhileSyncing(on bool) {
	switch {
	case on && u.syncHold == nil:
		u.syncHold = u.idle.Hold()
	case !on && u.syncHold != nil:
		u.syncHold()
		u.syncHold = nil
	}
}

func (u *UI) autoLockMinutes() int {
	return u.app.Preferences().IntWithFallback(prefAutoLock, defaultAutoLockMinutes)
}

// onEvent handles a core event on the UI thread.
func (u *UI) onEvent(ev core.Event) {
	switch ev.Kind {
	case core.EventLocked:
		if u.main != nil {
			u.leaveMain(false)
			u.showUnlock()
		}
	case core.EventNotesChanged:
		if u.main != nil {
			u.main.notesChanged()
		}
	case core.EventStatusChanged:
		u.holdWhileSyncing(ev.Status.State == core.StateSyncing)
		if u.main != nil {
			u.main.status.set(ev.Status)
			u.main.syncFinished(ev.Status)
			if sessionEnded(ev.Status) {
				u.askSignIn()
			}
		}
	}
}

// lock saves what is being typed, then locks the vault and shows the
// unlock screen.
func (u *UI) lock() {
	if u.main != nil {
		u.leaveMain(true)
	}
	u.api.Lock()
	u.showUnlock()
}

func (u *UI) autoLock() {
	if u.main == nil || u.api.Locked() {
		return
	}
	u.lock()
}

// leaveMain tears down the notes screen; with save it first writes any
// pending edit.
func (u *UI) leaveMain(save bool) {
	u.saveWindowState() // the split, while the notes screen still exists
	m := u.main
	u.main = nil
	u.idle.Stop()
	if u.syncCancel != nil {
		u.syncCancel()
		u.syncCancel = nil
	}
	if save {
		m.editor.flush()
	}
}

// Quit saves what is being typed, then quits the app. It is the way out
// for SIGINT and SIGTERM; call it on the UI thread (fyne.DoAndWait).
func (u *UI) Quit() {
	u.shutdown()
	u.app.Quit()
}

// Close saves what is being typed and detaches the UI from the core. The
// app's main calls it after the app's loop has ended, whichever way it
// ended: the window closed, Quit, or SIGINT/SIGTERM (Fyne's driver ends
// the loop on those itself, and nothing can run on the UI thread after
// that). Fyne runs fyne.Do inline once its loop has ended, so this is safe
// on main's goroutine then; the window's position is not read, as the
// window is gone. Calling it again, or after Quit, does nothing.
func (u *UI) Close() {
	u.windowGone = true
	u.shutdown()
}

// shutdown saves pending edits and releases the core's subscription, once:
// a second caller (Quit on the signal goroutine and Close on main's, after
// Fyne's own signal handler ended the loop) waits for the first to finish.
func (u *UI) shutdown() { u.shutdownOnce.Do(u.shutdownNow) }

func (u *UI) shutdownNow() {
	u.saveWindowState()
	if u.main != nil {
		u.leaveMain(true)
	}
	if u.unsub != nil {
		u.unsub()
		u.unsub = nil
	}
}

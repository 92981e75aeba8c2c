package ui

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cipherleaf.dev/client/core"
)

// largeSync is the number of changes from which a sync shows a progress
// bar instead of a spinner.
const largeSync = 20

// statusKind picks the icon of the status line.
type statusKind int

const (
	kindIdle statusKind = iota
	kindOK
	kindBusy
	kindOffline
	kindError
)

// statusView is what the status line shows for a sync status.
type statusView struct {
	Kind     statusKind
	Text     string
	Progress float64 // 0…1 when ShowBar
	ShowBar  bool    // a large sync: show a progress bar
	Retry    bool    // offer "Try again"
	Repin    bool    // the certificate changed: offer "Review certificate…"
}

// describeStatus turns the core's sync status into the status line.
func describeStatus(s core.SyncStatus, now time.Time) statusView {
	waiting := ""
	switch {
	case s.Pending == 1:
		waiting = " · 1 change waiting"
	case s.Pending > 1:
		waiting = fmt.Sprintf(" · %d changes waiting", s.Pending)
	}
	switch s.State {
	case core.StateSynced:
		v := statusView{Kind: kindOK, Text: "Synced"}
		switch {
		case s.Live: // the event stream is open: other devices' changes arrive as they happen
			v.Text += " · live"
		case !s.LastSync.IsZero():
			v.Text += " · " + lastSyncText(now, s.LastSync)
		}
		v.Text += waiting
		return v
	case core.StateSyncing:
		v := statusView{Kind: kindBusy, Text: "Syncing…"}
		if s.Total > 0 {
			v.Text = fmt.Sprintf("Syncing… %d of %d", min(s.Done, s.Total), s.Total)
			v.Progress = float64(min(s.Done, s.Total)) / float64(s.Total)
			v.ShowBar = s.Total >= largeSync
		}
		return v
	case core.StateOffline:
		return statusView{Kind: kindOffline, Text: "Offline — will retry" + waiting}
	case core.StateError:
		text := "Sync stopped"
		switch {
		case errors.Is(s.Err, core.ErrCertificateChanged):
			return statusView{Kind: kindError, Text: "Sync stopped: the server's certificate has changed. Nothing was sent." + waiting, Repin: true}
		case core.IsTamperDetection(s.Err):
			text = words(s.Err) // already "Sync stopped: <what was detected>"
		case s.Err != nil:
			text += ": " + words(s.Err)
		}
		return statusView{Kind: kindError, Text: text, Retry: true}
	default:
		return statusView{Kind: kindIdle, Text: "Not synced yet" + waiting}
	}
}

func lastSyncText(now, t time.Time) string {
	t = t.In(now.Location())
	if sameDay(now, t) {
		return "last at " + t.Format("15:04")
	}
	return "last on " + t.Format("2 Jan 15:04")
}

// statusBar is the always-visible bottom line: sync state on the left,
// save state on the right.
type statusBar struct {
	now     func() time.Time
	icon    *widget.Icon
	spinner *widget.Activity
	text    *widget.Label
	bar     *widget.ProgressBar
	barBox  fyne.CanvasObject
	retry   *widget.Button
	repin   *widget.Button
	save    *widget.Label
	content fyne.CanvasObject
	view    statusView
	last    core.SyncStatus // the status shown, to redraw with the conflicts
	nConf   int             // conflicted copies waiting to be resolved
	onRepin func()          // "Review certificate…" (set by the main view)
	row     *fyne.Container // icon, text and the buttons on the right
	// relayout (set by the main view) lays the window out again when the
	// status line's height changed (a long status wraps onto a second line).
	relayout func()

	// banner is the red warning the main view shows at its top while the
	// last sync detected a misbehaving server (SPEC §10.6): it names what was
	// detected and stays until a sync succeeds.
	banner     *fyne.Container
	bannerBg   *canvas.Rectangle
	bannerText *widget.RichText
}

func newStatusBar(now func() time.Time, onRetry func()) *statusBar {
	b := &statusBar{
		now:     now,
		icon:    widget.NewIcon(nil),
		spinner: widget.NewActivity(),
		text:    widget.NewLabel(""),
		bar:     widget.NewProgressBar(),
		save:    widget.NewLabel(""),
	}
	b.text.Wrapping = fyne.TextWrapWord // never cut: a long status takes a second line
	b.save.Importance = widget.LowImportance
	b.retry = widget.NewButton("Try again", onRetry)
	b.retry.Importance = widget.LowImportance
	b.repin = widget.NewButtonWithIcon("Review certificate…", theme.WarningIcon(), func() {
		if b.onRepin != nil {
			b.onRepin()
		}
	})
	b.repin.Importance = widget.WarningImportance
	b.repin.Hide()
	b.spinner.Hide()
	b.barBox = withMinSize(180, 0, b.bar)
	b.barBox.Hide()
	b.retry.Hide()
	left := container.NewHBox(container.NewStack(b.icon, b.spinner))
	right := container.NewHBox(container.NewCenter(b.barBox), b.retry, b.repin, b.save)
	b.row = container.NewBorder(nil, nil, left, right, b.text)
	b.content = container.NewVBox(widget.NewSeparator(), b.row)
	b.bannerBg = canvas.NewRectangle(theme.Color(theme.ColorNameError))
	b.bannerText = widget.NewRichText()
	b.bannerText.Wrapping = fyne.TextWrapWord
	b.banner = container.NewStack(b.bannerBg, container.NewBorder(nil, nil,
		widget.NewIcon(theme.NewInvertedThemedResource(theme.ErrorIcon())), nil, b.bannerText))
	b.banner.Hide()
	return b
}

// setBanner shows the red banner for a detection, hides it once a sync
// succeeds, and leaves it alone while one runs.
func (b *statusBar) setBanner(s core.SyncStatus) {
	switch {
	case s.State == core.StateError && core.IsTamperDetection(s.Err):
		b.bannerBg.FillColor = theme.Color(theme.ColorNameError)
		b.bannerBg.Refresh()
		b.bannerText.Segments = []widget.RichTextSegment{&widget.TextSegment{Text: words(s.Err),
			Style: widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnError, TextStyle: fyne.TextStyle{Bold: true}}}}
		b.bannerText.Refresh()
		b.banner.Show()
	case s.State == core.StateSynced:
		b.banner.Hide()
	}
}

// set shows a sync status.
func (b *statusBar) set(s core.SyncStatus) {
	b.last = s
	b.setBanner(s)
	v := describeStatus(s, b.now())
	switch {
	case b.nConf == 1:
		v.Text += " · 1 conflict to resolve"
	case b.nConf > 1:
		v.Text += " · " + itoa(b.nConf) + " conflicts to resolve"
	}
	if b.nConf > 0 && v.Kind == kindOK {
		v.Kind = kindOffline // the warning icon: synced, but not done
	}
	b.view = v
	b.text.SetText(v.Text)
	switch v.Kind {
	case kindOK:
		b.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case kindOffline:
		b.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	case kindError:
		b.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	case kindBusy:
		b.icon.SetResource(nil)
	default:
		b.icon.SetResource(theme.NewDisabledResource(theme.HistoryIcon()))
	}
	if v.Kind == kindBusy && !v.ShowBar {
		b.spinner.Show()
		b.spinner.Start()
	} else {
		b.spinner.Stop()
		b.spinner.Hide()
	}
	if v.ShowBar {
		b.bar.SetValue(v.Progress)
		b.barBox.Show()
	} else {
		b.barBox.Hide()
	}
	if v.Retry {
		b.retry.Show()
	} else {
		b.retry.Hide()
	}
	if v.Repin {
		b.repin.Show()
	} else {
		b.repin.Hide()
	}
	// Buttons shown or hidden above take or give back room only when the
	// row is laid out again.
	before := b.content.MinSize().Height
	b.row.Refresh()
	if b.content.MinSize().Height != before && b.relayout != nil {
		b.relayout()
	}
}

// setConflicts shows how many conflicts wait to be resolved.
func (b *statusBar) setConflicts(n int) {
	if n == b.nConf {
		return
	}
	b.nConf = n
	b.set(b.last)
}

// saveState shows the editor's save state ("Saving…", "Saved", or why a
// save failed; the text stays in the editor and is saved on the next try).
func (b *statusBar) saveState(text string, err error) {
	if err != nil {
		b.save.Importance = widget.DangerImportance
		b.save.SetText("Not saved: " + words(err))
		return
	}
	b.save.Importance = widget.LowImportance
	b.save.SetText(text)
}

// syncFinished clears the "Not synced" marks a finished sync made stale: a
// push changes no note, so the core sends no notes-changed event for it.
// Rows of an edit still being typed keep their mark until it is saved.
func (m *mainView) syncFinished(s core.SyncStatus) {
	if s.State != core.StateSynced || m.saver.Pending() {
		return
	}
	for _, it := range m.list.model.items {
		if it.Pending {
			m.list.reload()
			return
		}
	}
}

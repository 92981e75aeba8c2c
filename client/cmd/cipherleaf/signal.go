package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"cipherleaf.dev/client/ui"
)

// exitGrace is how long the app may take to stop after SIGINT or SIGTERM:
// the UI saves what is being typed and quits, the core closes; past this
// the process exits anyway (SQLite's journal keeps the vault consistent).
const exitGrace = 1800 * time.Millisecond

// quitOnSignals makes SIGINT and SIGTERM (a desktop session ending, a
// Ctrl+C in the terminal) leave like closing the window does: the editor's
// text is written to the vault first.
func quitOnSignals(u *ui.UI) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		time.AfterFunc(exitGrace, func() { os.Exit(1) })
		fyne.DoAndWait(u.Quit)
	}()
}

package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
)

// exitGrace is how long the app may take to stop after SIGINT or SIGTERM:
// the UI saves what is being typed, the core closes; past this the process
// exits anyway (SQLite's journal keeps the vault consistent).
const exitGrace = 1800 * time.Millisecond

// quitOnSignals makes SIGINT and SIGTERM (a desktop session ending, a
// Ctrl+C in the terminal) leave like closing the window does: the app's
// loop ends, and main then saves the editor's text (ui.UI.Close) and closes
// the core. Fyne's desktop driver ends the loop on these signals itself;
// asking it here too keeps that true if a driver does not. The UI is not
// touched from here: once either has ended the loop, Fyne would run it on
// this goroutine, beside main's Close.
func quitOnSignals(a fyne.App) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		time.AfterFunc(exitGrace, func() { os.Exit(1) })
		fyne.Do(a.Quit)
	}()
}

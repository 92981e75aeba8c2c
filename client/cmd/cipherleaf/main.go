// Command cipherleaf is the Cipherleaf desktop app: it opens the profile's
// core and shows the ui package's window. Everything else lives in ui.
//
//	cipherleaf [--profile DIR] [--server URL] [--pin sha256:HEX]
//
// --server and --pin pre-fill the first-run screen (`make run` points them at
// a local cipherleafd). The environment variables CIPHERLEAF_PROFILE,
// CIPHERLEAF_SERVER and CIPHERLEAF_PIN do the same. CIPHERLEAF_SCREEN
// (settings, resolve), CIPHERLEAF_THEME (light, dark) and CIPHERLEAF_SIZE
// (WxH) exist for scripts/screenshots.sh.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/go-gl/glfw/v3.3/glfw"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/client/internal/fynelog"
	"cipherleaf.dev/client/internal/imageclip"
	"cipherleaf.dev/client/ui"
	"cipherleaf.dev/shared/protocol"
)

func main() {
	log.SetOutput(fynelog.New(os.Stderr))
	if err := run(os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if !errors.Is(err, errAlreadyOpen) { // already said in words
			fmt.Fprintln(os.Stderr, "cipherleaf:", err)
		}
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("cipherleaf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	profile := fs.String("profile", getenv("CIPHERLEAF_PROFILE"), "profile `dir` (default: the user config dir/cipherleaf)")
	server := fs.String("server", getenv("CIPHERLEAF_SERVER"), "server `URL` to pre-fill on first run")
	pin := fs.String("pin", getenv("CIPHERLEAF_PIN"), "certificate `fingerprint` (sha256:HEX) to trust for --server")
	deviceName := fs.String("device-name", getenv("CIPHERLEAF_DEVICE_NAME"), "`name` this device shows in the session list (default \"Cipherleaf on <OS>\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *profile == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("find config dir (use --profile): %w", err)
		}
		// The same folder as cipherleaf-cli's default (cli.defaultProfile):
		// Windows and macOS name app folders by the display name.
		name := "cipherleaf"
		if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
			name = "Cipherleaf"
		}
		*profile = filepath.Join(dir, name)
	}
	if err := os.MkdirAll(*profile, 0o700); err != nil {
		return fmt.Errorf("create profile: %w", err)
	}
	lock, err := lockProfile(*profile, stderr, getenv) // one app per profile; the CLI does not lock
	if err != nil {
		return err
	}
	defer lock.Unlock()
	c, err := core.Open(core.Config{ProfileDir: *profile, DeviceName: *deviceName})
	if err != nil {
		return fmt.Errorf("open profile %s: %w", *profile, err)
	}
	defer c.Close()

	opts := ui.Options{
		ServerURL: *server,
		Pin:       *pin,
		Screen:    getenv("CIPHERLEAF_SCREEN"),
		Theme:     getenv("CIPHERLEAF_THEME"),
	}
	// Pasting an image needs the system clipboard's image side, which
	// Fyne's clipboard lacks. Without one (no X display) a paste is text
	// only, and nothing needs saying.
	if clip, err := imageclip.New(5*time.Second, protocol.MaxAttachmentSize); err == nil {
		opts.ImageClipboard = clip
	}
	var w, h float32
	if _, err := fmt.Sscanf(getenv("CIPHERLEAF_SIZE"), "%fx%f", &w, &h); err == nil {
		opts.Size = fyne.NewSize(w, h)
	}
	sw, sh, mm, err := primaryScreen()
	if err != nil {
		return err
	}
	if sw > 0 && sh > 0 {
		opts.ScreenPixels = fyne.NewSize(float32(sw), float32(sh))
		opts.ScreenScale = fyneScale(sw, mm, getenv("FYNE_SCALE"))
	}
	// Quitting, on every OS: SIGINT and SIGTERM end the app's loop (Fyne's
	// driver and quitOnSignals both ask), and so does closing the window.
	// After Run returns, u.Close saves the editor's text whichever way the
	// loop ended, and the deferred c.Close closes the vault. (Saving inside
	// the loop on a signal lost the text whenever Fyne's own handler ended
	// the loop first: TestAppSignals caught it.) On
	// Windows Go delivers Ctrl-C/Ctrl-Break as os.Interrupt and a console
	// close, logoff or shutdown as syscall.SIGTERM, so the same path runs;
	// closing the window quits the same way. A hard kill (SIGKILL, or
	// TerminateProcess from Task Manager) runs nothing: the vault's SQLite
	// WAL journal keeps it consistent and loses at most the write in flight.
	// SQLite locks the vault itself (POSIX locks on Unix, LockFileEx on
	// Windows), and the app lock (lockProfile) is flock or LockFileEx: the
	// OS drops both with the process, so a killed app leaves nothing held.
	a := app.NewWithID("dev.cipherleaf.app")
	placer := &glfwPlacer{}
	opts.Placer = placer
	u := ui.New(a, c, opts)
	placer.win = u.Window()
	a.Lifecycle().SetOnStarted(func() {
		placer.restore()
		placer.withWindow(func(gw *glfw.Window) { hookPointer(gw, u.Activity) })
	})
	quitOnSignals(a)
	u.Show()
	a.Run()
	u.Close() // the editor's text into the vault, before the deferred c.Close
	return nil
}

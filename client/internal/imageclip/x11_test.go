//go:build linux && cgo

package imageclip

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.design/x/clipboard"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/client/internal/xvfb"
)

// The real library on a real X server: the test starts its own Xvfb, and
// another process (this test binary again, as ownerProcess) owns the
// CLIPBOARD selection the way a screenshot tool or a browser would.

// ownerEnv switches the test binary into one of its helper roles.
const ownerEnv = "IMAGECLIP_TEST_ROLE"

// quickExit spares each helper the race detector's 1 s pause at exit.
const quickExit = "GORACE=atexit_sleep_ms=0"

// TestHelperProcess is not a test: it is the other program of the X11
// tests, started with ownerEnv set.
func TestHelperProcess(t *testing.T) {
	switch os.Getenv(ownerEnv) {
	case "":
		t.Skip("helper process of the X11 tests")
	case "owner-image", "owner-text":
		// Take the clipboard with golang.design/x/clipboard, say so, and
		// keep serving it until stdin closes.
		if err := clipboard.Init(); err != nil {
			fmt.Println("init:", err)
			os.Exit(2)
		}
		data, err := io.ReadAll(ownerData())
		if err != nil {
			os.Exit(2)
		}
		format := clipboard.FmtImage
		if os.Getenv(ownerEnv) == "owner-text" {
			format = clipboard.FmtText
		}
		if clipboard.Write(format, data) == nil {
			fmt.Println("write failed")
			os.Exit(2)
		}
		fmt.Println("ready")
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	case "new":
		// New, on whatever DISPLAY the parent gave.
		start := time.Now()
		_, err := New(time.Second, 1<<20)
		fmt.Printf("unavailable=%v took=%v err=%v\n", errors.Is(err, ErrUnavailable), time.Since(start).Round(time.Millisecond), err)
		os.Exit(0)
	}
}

// ownerData reads the owner's data: one line of hex; stdin then stays
// open as the owner's lifeline.
func ownerData() io.Reader {
	line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
	var data []byte
	fmt.Sscanf(strings.TrimSpace(line), "%x", &data)
	return bytes.NewReader(data)
}

// owner is a running helper process that owns the clipboard.
type owner struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

// startOwner starts a process on display that puts data on the clipboard
// (as an image, or as text) and waits until it says it owns it.
func startOwner(t *testing.T, display, role string, data []byte) *owner {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), ownerEnv+"="+role, "DISPLAY="+display, quickExit)
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o := &owner{cmd: cmd, stdin: stdin}
	t.Cleanup(o.stop)
	fmt.Fprintf(stdin, "%x\n", data)
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- strings.TrimSpace(line)
	}()
	select {
	case line := <-ready:
		if line != "ready" {
			t.Fatalf("clipboard owner: %q, want ready", line)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("clipboard owner did not start within 20 s")
	}
	return o
}

func (o *owner) stop() {
	if o.cmd.Process == nil || o.cmd.ProcessState != nil {
		return
	}
	o.cmd.Process.Signal(syscall.SIGCONT)
	o.stdin.Close()
	o.cmd.Wait()
}

func TestX11(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xclip"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for the real clipboard tests (make setup installs it): %v", tool, err)
		}
	}
	display := startXvfb(t)
	t.Setenv("DISPLAY", display)
	c, err := New(2*time.Second, 64<<20)
	if err != nil {
		t.Fatalf("New() on Xvfb %s: %v", display, err)
	}
	pic := testPNG(t, 64, 48)
	big := noisePNG(t, 800, 800) // about 2.6 MB: xclip hands it over in pieces

	t.Run("an image another program copied", func(t *testing.T) {
		startOwner(t, display, "owner-image", pic)
		got, err := c.Image()
		if err != nil || !bytes.Equal(got, pic) {
			t.Fatalf("Image() = %d bytes, %v; want the owner's %d-byte PNG", len(got), err, len(pic))
		}
	})
	t.Run("an image over the limit", func(t *testing.T) {
		startOwner(t, display, "owner-image", pic)
		small, err := New(2*time.Second, int64(len(pic)-1))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := small.Image(); !errors.Is(err, attach.ErrFileTooLarge) {
			t.Fatalf("Image() of %d bytes with a limit of %d = %d bytes, %v; want attach.ErrFileTooLarge", len(pic), len(pic)-1, len(got), err)
		}
	})
	t.Run("a large image in pieces (INCR)", func(t *testing.T) {
		startOwner(t, display, "owner-image", pic) // what the clipboard held before
		startXclip(t, display, big)
		// xclip takes the clipboard on its own time: until then the last
		// owner answers.
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, err := c.Image()
			if err == nil && bytes.Equal(got, big) {
				break
			}
			if err != nil || !bytes.Equal(got, pic) || time.Now().After(deadline) {
				t.Fatalf("Image() = %d bytes, %v; want xclip's %d bytes", len(got), err, len(big))
			}
			time.Sleep(10 * time.Millisecond) // polling, bounded by the deadline
		}
	})
	t.Run("a large image in pieces over the limit", func(t *testing.T) {
		startOwner(t, display, "owner-image", pic)
		startXclip(t, display, big)
		limited, err := New(2*time.Second, int64(len(big)/2))
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, err := limited.Image()
			if errors.Is(err, attach.ErrFileTooLarge) {
				break
			}
			if err != nil || !bytes.Equal(got, pic) || time.Now().After(deadline) {
				t.Fatalf("Image() = %d bytes, %v; want attach.ErrFileTooLarge for xclip's %d bytes", len(got), err, len(big))
			}
			time.Sleep(10 * time.Millisecond) // polling, bounded by the deadline
		}
	})
	t.Run("text only", func(t *testing.T) {
		startOwner(t, display, "owner-text", []byte("just words"))
		got, err := c.Image()
		if err != nil || got != nil {
			t.Fatalf("Image() = %q, %v; want nil, nil", got, err)
		}
	})
	t.Run("an owner that stops answering", func(t *testing.T) {
		o := startOwner(t, display, "owner-image", pic)
		if err := o.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		waitStopped(t, o.cmd.Process.Pid) // a stop lands after kill returns
		start := time.Now()
		if got, err := c.Image(); !errors.Is(err, ErrTimeout) {
			t.Fatalf("Image() with a stopped owner: %d bytes, %v; want ErrTimeout", len(got), err)
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("Image() with a stopped owner took %v, want about the 2 s timeout", took)
		}
		if _, err := c.Image(); !errors.Is(err, ErrTimeout) {
			t.Fatalf("Image() again, the owner still stopped: %v, want ErrTimeout", err)
		}
		// The owner is killed (its clipboard goes with it) and another
		// program copies an image: reads work again, nothing stayed stuck.
		o.cmd.Process.Kill()
		o.cmd.Wait()
		startOwner(t, display, "owner-image", pic)
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, err := c.Image()
			if err == nil && bytes.Equal(got, pic) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("Image() after another program copied: %d bytes, %v", len(got), err)
			}
			time.Sleep(10 * time.Millisecond) // polling, bounded by the deadline
		}
	})
}

// waitStopped waits until process pid is stopped (state T in /proc).
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		// pid (comm) state ...: the state follows the last ')'.
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'T' {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not stop: %s", pid, stat)
		}
		time.Sleep(time.Millisecond) // polling, bounded by the deadline
	}
}

// noisePNG is a w×h PNG of random pixels, which PNG cannot shrink.
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	rand.Read(img.Pix)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// startXclip runs xclip in the foreground offering data as image/png on
// display, until the test ends.
func startXclip(t *testing.T, display string, data []byte) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "big.png")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("xclip", "-quiet", "-selection", "clipboard", "-t", "image/png", "-i", f)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
}

// TestNoDisplay: without an X display New reports ErrUnavailable, at
// once, and nothing crashes. It runs in a child process, as the app would
// start.
func TestNoDisplay(t *testing.T) {
	for _, display := range []string{"", ":4242"} {
		t.Run("DISPLAY="+display, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), ownerEnv+"=new", "DISPLAY="+display, quickExit)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if !strings.HasPrefix(string(out), "unavailable=true ") {
				t.Fatalf("New() without a display: %s; want ErrUnavailable", out)
			}
		})
	}
}

// startXvfb starts a virtual screen and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	return xvfb.Start(t, "640x480x24").Display
}

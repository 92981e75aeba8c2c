package cli

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// terminal asks a person for secrets and confirmations.
type terminal interface {
	// ReadSecret prompts and reads a line without echo.
	ReadSecret(prompt string) ([]byte, error)
	// Confirm prompts for yes/no; anything but y/yes is no.
	Confirm(prompt string) (bool, error)
}

// openTerminal returns a terminal when stdin is one, else nil: scripts pass
// secrets through the environment and are never prompted.
func openTerminal(stdin io.Reader, prompts io.Writer) terminal {
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &tty{in: f, out: prompts}
}

// tty prompts on out (stderr) and reads from the terminal in.
type tty struct {
	in  *os.File
	out io.Writer
}

func (t *tty) ReadSecret(prompt string) ([]byte, error) {
	fmt.Fprint(t.out, prompt)
	b, err := term.ReadPassword(int(t.in.Fd()))
	fmt.Fprintln(t.out)
	if err != nil {
		return nil, fmt.Errorf("read from terminal: %w", err)
	}
	return b, nil
}

func (t *tty) Confirm(prompt string) (bool, error) {
	fmt.Fprint(t.out, prompt)
	// One byte at a time so nothing past the line is consumed.
	line, err := bufio.NewReaderSize(oneByteReader{t.in}, 16).ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("read from terminal: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// oneByteReader reads at most one byte per call.
type oneByteReader struct{ r io.Reader }

func (o oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

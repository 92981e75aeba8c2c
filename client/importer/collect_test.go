package importer

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// collected is a Sink that keeps everything, attachments read into memory.
type collected struct {
	notes   []*Note
	data    [][][]byte // attachment bytes per note
	skipped []string
	warned  []string
}

func (c *collected) Note(n *Note) error {
	var files [][]byte
	for _, a := range n.Attachments {
		r, err := a.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
		files = append(files, b)
	}
	c.notes = append(c.notes, n)
	c.data = append(c.data, files)
	return nil
}
func (c *collected) Skip(item, reason string)  { c.skipped = append(c.skipped, item+": "+reason) }
func (c *collected) Warn(item, problem string) { c.warned = append(c.warned, item+": "+problem) }

func (c *collected) byTitle(t *testing.T, title string) (*Note, [][]byte) {
	t.Helper()
	for i, n := range c.notes {
		if n.Title == title {
			return n, c.data[i]
		}
	}
	t.Fatalf("no note titled %q among %d", title, len(c.notes))
	return nil, nil
}

// fixtures is the shared folder of real export files, read in place.
func fixtures(t *testing.T, parts ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{"..", "..", "..", "shared", "fixtures", "import"}, parts...)...)
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "fixtures", "import")); os.IsNotExist(err) {
		t.Skip("../shared/fixtures/import is absent beside the repository")
	}
	return dir
}

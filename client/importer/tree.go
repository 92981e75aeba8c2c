package importer

import (
	"archive/tar"
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Limits on an archive, checked from its directory before anything is read
// or written.
const (
	maxEntries    = 200_000
	maxTotalBytes = 16 << 30 // uncompressed
	maxRatio      = 200      // uncompressed / compressed, for entries over 1 MiB
)

// tree is a folder, zip or tar seen as a set of files by clean relative
// path ("a/b.md").
type tree struct {
	files  map[string]treeFile
	closer io.Closer
}

type treeFile struct {
	mod  time.Time
	size int64
	open func() (io.ReadCloser, error)
}

func (t *tree) Close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}

// names returns the paths in order.
func (t *tree) names() []string {
	out := make([]string, 0, len(t.files))
	for k := range t.files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (t *tree) read(name string, limit int64) ([]byte, error) {
	f, ok := t.files[name]
	if !ok {
		return nil, fs.ErrNotExist
	}
	if f.size > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, limit)
	}
	r, err := f.open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit))
}

// safeName checks an archive entry's name: relative, no "..", no drive.
func safeName(name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	if n == "" || strings.HasPrefix(n, "/") || filepath.IsAbs(name) || len(n) > 1 && n[1] == ':' {
		return "", fmt.Errorf("entry %q has an absolute path", name)
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", fmt.Errorf("entry %q leaves the archive (..)", name)
		}
	}
	return path.Clean(n), nil
}

// openTree opens a folder, a zip or a tar (a JEX).
func openTree(p string) (*tree, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("open import source: %w", err)
	}
	if st.IsDir() {
		return dirTree(p)
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open import source: %w", err)
	}
	magic := make([]byte, 4)
	_, _ = io.ReadFull(f, magic)
	f.Close()
	if string(magic) == "PK\x03\x04" {
		return zipTree(p)
	}
	return tarTree(p)
}

func dirTree(dir string) (*tree, error) {
	t := &tree{files: map[string]treeFile{}}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != dir {
			return filepath.SkipDir // .obsidian, .git, .trash
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if len(t.files) >= maxEntries {
			return refusedf("more than %d files", maxEntries)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		full := p
		t.files[filepath.ToSlash(rel)] = treeFile{mod: info.ModTime().UTC(), size: info.Size(), open: func() (io.ReadCloser, error) { return os.Open(full) }}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read import folder: %w", err)
	}
	return t, nil
}

func zipTree(p string) (*tree, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, refusedf("%s is not a readable zip (truncated?): %v", filepath.Base(p), err)
	}
	t := &tree{files: map[string]treeFile{}, closer: zr}
	var total uint64
	for _, f := range zr.File {
		name, err := safeName(f.Name)
		if err != nil {
			zr.Close()
			return nil, refusedf("%s: %v", filepath.Base(p), err)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		total += f.UncompressedSize64
		if len(t.files) >= maxEntries || total > maxTotalBytes ||
			f.UncompressedSize64 > 1<<20 && f.UncompressedSize64/(f.CompressedSize64+1) > maxRatio {
			zr.Close()
			return nil, refusedf("%s looks like a zip bomb (%s unpacks to %d bytes from %d)", filepath.Base(p), f.Name, f.UncompressedSize64, f.CompressedSize64)
		}
		zf, size := f, int64(f.UncompressedSize64)
		t.files[name] = treeFile{mod: f.Modified.UTC(), size: size, open: func() (io.ReadCloser, error) {
			r, err := zf.Open()
			if err != nil {
				return nil, err
			}
			return struct {
				io.Reader
				io.Closer
			}{&exactReader{r: r, left: size}, r}, nil
		}}
	}
	return t, nil
}

// exactReader refuses more bytes than the archive declared.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(b []byte) (int, error) {
	if e.left <= 0 {
		var one [1]byte
		if n, _ := e.r.Read(one[:]); n > 0 {
			return 0, errors.New("archive entry larger than declared")
		}
		return 0, io.EOF
	}
	if int64(len(b)) > e.left {
		b = b[:e.left]
	}
	n, err := e.r.Read(b)
	e.left -= int64(n)
	return n, err
}

// tarTree indexes a tar: every header is checked before any content is
// used; contents are read later in place (section readers on the file).
func tarTree(p string) (*tree, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open import source: %w", err)
	}
	cr := &countReader{r: f}
	tr := tar.NewReader(cr)
	t := &tree{files: map[string]treeFile{}, closer: f}
	var total int64
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			if len(t.files) == 0 {
				return nil, refusedf("%s is not a tar or zip archive: %v", filepath.Base(p), err)
			}
			return nil, refusedf("%s is truncated or broken: %v", filepath.Base(p), err)
		}
		name, err := safeName(h.Name)
		if err != nil {
			f.Close()
			return nil, refusedf("%s: %v", filepath.Base(p), err)
		}
		if h.Typeflag == tar.TypeSymlink || h.Typeflag == tar.TypeLink {
			f.Close()
			return nil, refusedf("%s: entry %q is a link", filepath.Base(p), h.Name)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		total += h.Size
		if len(t.files) >= maxEntries || total > maxTotalBytes {
			f.Close()
			return nil, refusedf("%s is too large (%d entries, %d bytes)", filepath.Base(p), len(t.files), total)
		}
		off, size := cr.n, h.Size
		if _, err := io.Copy(io.Discard, tr); err != nil {
			f.Close()
			return nil, refusedf("%s is truncated: %v", filepath.Base(p), err)
		}
		t.files[name] = treeFile{mod: h.ModTime.UTC(), size: size, open: func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(f, off, size)), nil
		}}
	}
	return t, nil
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// flushThenClose writes what the sink still holds (its attachments read
// from the tree) before the tree closes.
func flushThenClose(t *tree, sink Sink, err *error) {
	if f, ok := sink.(interface{ Flush() error }); ok {
		if ferr := f.Flush(); *err == nil {
			*err = ferr
		}
	}
	t.Close()
}

package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// BackupHeader starts a Cipherleaf encrypted backup (SPEC §9): such a file
// is not another app's export and goes to the backup import instead.
const BackupHeader = "CIPHERLEAF-BACKUP "

// IsCipherleafBackup reports whether path is a Cipherleaf encrypted backup.
func IsCipherleafBackup(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(BackupHeader))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == BackupHeader
}

// Detect tells a source's format from its content (and, failing that, its
// name).
func Detect(path string) (Format, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("open import source: %w", err)
	}
	if st.IsDir() {
		return detectDir(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open import source: %w", err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	trim := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || ext == ".zip":
		return detectZip(path)
	case n >= 262 && string(head[257:262]) == "ustar" || ext == ".jex" || ext == ".tar":
		return Joplin, nil
	case bytes.HasPrefix(trim, []byte("<")) || ext == ".enex":
		return ENEX, nil
	case bytes.HasPrefix(trim, []byte("{")):
		if bytes.Contains(head, []byte(`"items"`)) || ext == ".txt" {
			return StandardNotes, nil
		}
		return Keep, nil
	case ext == ".md" || ext == ".markdown":
		return Markdown, nil
	}
	return "", fmt.Errorf("%w: %s (name one with --from)", ErrUnknownFormat, filepath.Base(path))
}

func detectZip(path string) (Format, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return "", refusedf("%s is not a readable zip: %v", filepath.Base(path), err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		switch {
		case strings.HasSuffix(f.Name, "Standard Notes Backup and Import File.txt"):
			return StandardNotes, nil
		case strings.Contains(f.Name, "Keep/") && strings.HasSuffix(f.Name, ".json"):
			return Keep, nil
		}
	}
	for _, f := range zr.File {
		if strings.HasSuffix(strings.ToLower(f.Name), ".md") {
			return Markdown, nil
		}
	}
	return "", fmt.Errorf("%w: %s (name one with --from)", ErrUnknownFormat, filepath.Base(path))
}

func detectDir(dir string) (Format, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fmt.Errorf("read import folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case e.IsDir() && name == "Keep":
			return Keep, nil
		case name == "Standard Notes Backup and Import File.txt":
			return StandardNotes, nil
		case strings.HasSuffix(name, ".json") && !e.IsDir():
			b, _ := os.ReadFile(filepath.Join(dir, name))
			if bytes.Contains(b, []byte(`"userEditedTimestampUsec"`)) {
				return Keep, nil
			}
		case strings.HasSuffix(name, ".md") && !e.IsDir() && len(name) == 35:
			b, _ := os.ReadFile(filepath.Join(dir, name))
			if bytes.Contains(b, []byte("\ntype_: ")) {
				return Joplin, nil
			}
		}
	}
	return Markdown, nil
}

// Read reads the source at path in format f into sink.
func Read(f Format, path string, sink Sink) error {
	switch f {
	case ENEX:
		fh, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("open import source: %w", err)
		}
		defer fh.Close()
		return ReadENEX(fh, path, sink)
	case Markdown:
		return ReadMarkdown(path, sink)
	case Keep:
		return ReadKeep(path, sink)
	case StandardNotes:
		return ReadStandardNotes(path, sink)
	case Joplin:
		return ReadJoplin(path, sink)
	}
	return fmt.Errorf("%w: %q (one of enex, joplin, standardnotes, keep, markdown)", ErrUnknownFormat, f)
}

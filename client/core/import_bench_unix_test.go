//go:build unix

package core_test

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"cipherleaf.dev/client/importer"
	"cipherleaf.dev/client/internal/fakeremote"
)

// writeBenchENEX writes an ENEX of notes notes, every tenth with a small
// image (1 KiB of random-looking bytes) placed by its MD5.
func writeBenchENEX(t testing.TB, path string, notes int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd"><en-export application="Evernote" version="10.0">`)
	img := make([]byte, 1024)
	for i := 0; i < notes; i++ {
		media, res := "", ""
		if i%10 == 0 {
			for j := range img {
				img[j] = byte(i*31 + j*7)
			}
			sum := md5.Sum(img)
			media = fmt.Sprintf(`<div><en-media hash="%x" type="image/png"/></div>`, sum)
			res = `<resource><data encoding="base64">` + base64.StdEncoding.EncodeToString(img) + `</data><mime>image/png</mime><resource-attributes><file-name>img.png</file-name></resource-attributes></resource>`
		}
		fmt.Fprintf(w, `<note><title>Note %d</title><content><![CDATA[<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd"><en-note><div>Paragraph %d with <b>bold</b>&nbsp;text.</div><ul style="--en-todo:true;"><li style="--en-checked:true;"><div>done</div></li><li style="--en-checked:false;"><div>open</div></li></ul>%s</en-note>]]></content><created>20200101T000000Z</created><updated>20200102T000000Z</updated><tag>bench</tag>%s</note>`, i, i, media, res)
	}
	fmt.Fprint(w, `</en-export>`)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestImportBenchChild runs one import inside a child process started by
// BenchmarkImportENEX10k, so its peak RSS is the import's alone.
func TestImportBenchChild(t *testing.T) {
	src := os.Getenv("CIPHERLEAF_IMPORT_BENCH")
	if src == "" {
		t.Skip("only run as BenchmarkImportENEX10k's child")
	}
	srv := fakeremote.New()
	c := device(t, srv, t.TempDir())
	register(t, c, srv, "bench", "pw")
	r := importer.NewRunner(c, nil, importer.Options{})
	if err := r.Import(importer.ENEX, src); err != nil {
		t.Fatal(err)
	}
	if r.Sum.Notes != 10000 || r.Sum.Attachments != 1000 || len(c.List()) != 10000 {
		t.Fatalf("imported %+v, vault %d", r.Sum, len(c.List()))
	}
}

// BenchmarkImportENEX10k imports a generated 10,000-note ENEX with 1,000
// small images into a fresh vault (real SQLite, attachments sealed) and
// reports the child process's peak RSS. Goals: ≤ 10 s, ≤ 200 MB.
func BenchmarkImportENEX10k(b *testing.B) {
	src := filepath.Join(b.TempDir(), "bench.enex")
	writeBenchENEX(b, src, 10000)
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var peak int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// -test.short: the child's TestMain must not look for (and maybe
		// build) cipherleafd. It did, and the compiler's RSS and time were
		// counted as the import's (getrusage counts reaped descendants).
		cmd := exec.Command(exe, "-test.short", "-test.run=^TestImportBenchChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CIPHERLEAF_IMPORT_BENCH="+src)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/import")
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && int64(ru.Maxrss) > peak {
			peak = int64(ru.Maxrss) // KiB on Linux
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
}

package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

// BenchmarkBackupAttachment256MiB: an encrypted backup of a note with a
// 256 MiB attachment is written on device A and imported on a fresh
// profile of another account (SPEC §9.1). It reports MB/s of the export
// and of the import and the peak RSS growth of this process, which shows
// both stream (the file is never held in memory).
func BenchmarkBackupAttachment256MiB(b *testing.B) { backupAttachment(b, 256<<20) }

// BenchmarkBackupAttachment1GiB: the same with the largest attachment.
func BenchmarkBackupAttachment1GiB(b *testing.B) { backupAttachment(b, 1<<30) }

func backupAttachment(b *testing.B, size int64) {
	s, a, _, _ := benchDevices(b)
	file := bigFile(b, b.TempDir(), size)
	id, err := a.Create(&note.Note{Title: "big"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Attach(id, file); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	self := strconv.Itoa(os.Getpid())
	base := rssKB(b, self, "VmRSS")
	resetPeak(self)
	var export, imp time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		path := filepath.Join(b.TempDir(), "backup.clb")
		start := time.Now()
		if err := a.ExportEncrypted(path); err != nil {
			b.Fatal(err)
		}
		export += time.Since(start)
		c, err := core.Open(core.Config{ProfileDir: b.TempDir(), NewParams: floorParams, DeviceName: "bench", APIRetries: -1})
		if err != nil {
			b.Fatal(err)
		}
		info, err := c.ProbeServer(ctx, s.URL)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Register(ctx, core.RegisterInput{ServerURL: s.URL, Pin: info.Fingerprint,
			Username: fmt.Sprintf("restore%d", time.Now().UnixNano()%1e9), Password: []byte("pw2")}); err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if n, err := c.Import(path, []byte("pw")); err != nil || n != 1 {
			b.Fatalf("Import = %d, %v", n, err)
		}
		imp += time.Since(start)
		c.Close()
		os.Remove(path)
	}
	b.StopTimer()
	b.ReportMetric(float64(size)*float64(b.N)/1e6/export.Seconds(), "export-MB/s")
	b.ReportMetric(float64(size)*float64(b.N)/1e6/imp.Seconds(), "import-MB/s")
	b.ReportMetric(float64(rssKB(b, self, "VmHWM")-base)/1024, "rss-growth-MB")
}

package importer

import (
	"bufio"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// countSink reads every attachment and keeps nothing.
type countSink struct{ notes, atts int }

func (c *countSink) Note(n *Note) error {
	c.notes++
	for _, a := range n.Attachments {
		r, _ := a.Open()
		io.Copy(io.Discard, r)
		r.Close()
		c.atts++
	}
	return nil
}
func (c *countSink) Skip(string, string) {}
func (c *countSink) Warn(string, string) {}

// BenchmarkReadENEX10k: reading and converting alone (no vault) of the
// same generated file as core's BenchmarkImportENEX10k.
func BenchmarkReadENEX10k(b *testing.B) {
	src := filepath.Join(b.TempDir(), "bench.enex")
	f, _ := os.Create(src)
	w := bufio.NewWriter(f)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><en-export>`)
	img := make([]byte, 1024)
	for i := 0; i < 10000; i++ {
		media, res := "", ""
		if i%10 == 0 {
			for j := range img {
				img[j] = byte(i*31 + j*7)
			}
			media = fmt.Sprintf(`<div><en-media hash="%x" type="image/png"/></div>`, md5.Sum(img))
			res = `<resource><data encoding="base64">` + base64.StdEncoding.EncodeToString(img) + `</data><mime>image/png</mime></resource>`
		}
		fmt.Fprintf(w, `<note><title>Note %d</title><content><![CDATA[<en-note><div>Paragraph %d with <b>bold</b>&nbsp;text.</div><ul style="--en-todo:true;"><li style="--en-checked:true;"><div>done</div></li></ul>%s</en-note>]]></content><created>20200101T000000Z</created><tag>bench</tag>%s</note>`, i, i, media, res)
	}
	fmt.Fprint(w, `</en-export>`)
	w.Flush()
	f.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		fh, _ := os.Open(src)
		var c countSink
		if err := ReadENEX(fh, src, &c); err != nil || c.notes != 10000 || c.atts != 1000 {
			b.Fatalf("%v %+v", err, c)
		}
		fh.Close()
	}
}

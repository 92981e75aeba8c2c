package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// common are frequent English words; the rest of the vocabulary is made of
// syllables, and words are drawn with a Zipf distribution as in real text.
var common = strings.Fields(`the of and to a in is it you that he was for on are with as
I his they be at one have this from or had by hot word but what some we can out other were
all there when up use your how said an each she which do their time if will way about many
then them write would like so these her long make thing see him two has look more day could
go come did number sound no most people my over know water than call first who may down side
been now find any new work part take get place made live where after back little only round
man year came show every good me give our under name very through just form sentence great
think say help low line differ turn cause much mean before move right boy old too same tell
does set three want air well also play small end put home read hand port large spell add even
land here must big high such follow act why ask men change went light kind off need house
picture try us again animal point mother world near build self earth father meeting budget
project review plan notes idea draft release deadline client invoice travel recipe garden
café naïve résumé Zürich Malmö façade`)

func vocabulary(r *rand.Rand, n int) []string {
	syl := strings.Fields("ka ri to ne sa mu lo vi pe da gor lin ter mon bra sel qui fen dor ush")
	words := append([]string(nil), common...)
	seen := map[string]bool{}
	for _, w := range words {
		seen[w] = true
	}
	for len(words) < n {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// benchDocs makes n notes with bodies of about 1 KiB.
func benchDocs(n int) []Doc {
	r := rand.New(rand.NewPCG(1, 2))
	vocab := vocabulary(r, 30000)
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(vocab)-1))
	word := func() string { return vocab[zipf.Uint64()] }
	tags := []string{"work", "home", "travel", "ideas", "to do", "finance", "recipes", "archive"}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	docs := make([]Doc, n)
	for i := range docs {
		var title []string
		for range 2 + r.IntN(4) {
			title = append(title, word())
		}
		var b strings.Builder
		start := true
		for b.Len() < 1024 {
			w := word()
			if start {
				w = strings.ToUpper(w[:1]) + w[1:]
				start = false
			}
			b.WriteString(w)
			switch r.IntN(12) {
			case 0:
				b.WriteString(". ")
				start = true
			case 1:
				b.WriteString(", ")
			case 2:
				b.WriteString("\n")
			default:
				b.WriteString(" ")
			}
		}
		var ts []string
		for range r.IntN(3) {
			ts = append(ts, tags[r.IntN(len(tags))])
		}
		docs[i] = Doc{
			ID:       fmt.Sprintf("note-%05d", i),
			Title:    strings.Join(title, " "),
			Body:     b.String(),
			Tags:     ts,
			Modified: t0.Add(time.Duration(r.IntN(1<<20)) * time.Minute),
		}
	}
	return docs
}

func BenchmarkPut10k(b *testing.B) {
	docs := benchDocs(10000)
	size := 0
	for _, d := range docs {
		size += len(d.Body)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		ix := New()
		for _, d := range docs {
			ix.Put(d)
		}
		ix.Query("x", 1) // includes sorting the word list for prefix lookups
	}
}

// BenchmarkReplace measures re-indexing one edited note in a full index.
func BenchmarkReplace(b *testing.B) {
	docs := benchDocs(10000)
	ix := New()
	for _, d := range docs {
		ix.Put(d)
	}
	i := 0
	for b.Loop() {
		ix.Put(docs[i%len(docs)])
		i++
	}
}

func BenchmarkQuery10k(b *testing.B) {
	docs := benchDocs(10000)
	ix := New()
	for _, d := range docs {
		ix.Put(d)
	}
	queries := []struct{ name, q string }{
		{"empty", ""},
		{"common", "the "},
		{"rare", "meeting "},
		{"two-words", "budget review "},
		{"typing-prefix", "project mee"},
		{"one-letter-prefix", "t"},
		{"two-letter-prefix", "ka"},
		{"phrase", `"of the"`},
		{"tag+word", "tag:work the "},
		{"folded", "CAFE zurich "},
		{"miss", "zzzz "},
	}
	for _, q := range queries {
		for _, limit := range []int{20, 0} {
			b.Run(fmt.Sprintf("%s/limit=%d", q.name, limit), func(b *testing.B) {
				n := len(ix.Query(q.q, limit))
				for b.Loop() {
					ix.Query(q.q, limit)
				}
				b.ReportMetric(float64(n), "hits")
			})
		}
	}
}

// BenchmarkPutPrepared10k measures the part of indexing 10,000 notes that
// holds the write lock: the notes are prepared before the timer runs.
func BenchmarkPutPrepared10k(b *testing.B) {
	docs := benchDocs(10000)
	ps := make([]Prepared, len(docs))
	for i, d := range docs {
		ps[i] = Prepare(d)
	}
	for b.Loop() {
		ix := New()
		ix.PutPrepared(ps...)
		ix.Query("x", 1) // includes sorting the word list for prefix lookups
	}
}

// BenchmarkPrepare10k measures the lock-free part of indexing 10,000 notes.
func BenchmarkPrepare10k(b *testing.B) {
	docs := benchDocs(10000)
	for b.Loop() {
		for _, d := range docs {
			Prepare(d)
		}
	}
}

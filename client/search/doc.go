// Package search is an in-memory full-text index over decrypted notes.
// Nothing is written to disk.
//
// Text is folded before it is indexed or searched: compatibility
// decomposition (NFKD), combining marks stripped, then Unicode case
// folding, so "Café", "CAFE" and "café" are the same word. A word is a run
// of letters, digits and marks; everything else separates words.
//
// A query is a list of terms that must all match (AND):
//
//	meeting notes      two words, each matched whole; the last word of a
//	                   query that does not end in a space matches as a
//	                   prefix ("mee" finds "meeting")
//	"exact phrase"     consecutive words in the title, one tag or the body
//	                   (an unclosed quote runs to the end of the query)
//	tag:work           only notes with that tag (whole tag, folded);
//	tag:"to do"        a tag with spaces
//
// Results are ranked by the number of query terms found in the title, then
// by the number found in the tags, then by Modified, newest first. An
// empty query returns every note, newest first.
//
// Scripts written without spaces (Chinese, Japanese) are indexed as long
// words, so only their beginnings can be found by prefix.
package search

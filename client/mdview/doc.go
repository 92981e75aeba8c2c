// Package mdview renders a note's Markdown into Fyne widgets.
//
// It parses with goldmark (CommonMark plus the GFM tables, task lists,
// strikethrough and autolinks, and [[Note title]] links) and builds plain
// Fyne widgets: headings, paragraphs, nested lists, task lists whose check
// boxes rewrite the source, tables, quotes, rules, and fenced code in a
// monospace block on a tinted background, highlighted by chroma.
//
// Rendering never touches the network. Links are only opened when tapped,
// through the Handlers the caller passes in; images are drawn only when
// Handlers.Image resolves them from local data, and are otherwise shown as
// links. Nothing here fetches a URL.
package mdview

package core

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cipherleaf.dev/client/attach"
	"cipherleaf.dev/shared/note"
)

// exportAttachments writes the attachments of note id into
// dir/<id>.files/ under safe, distinct names and appends relative links
// to them to the Markdown in b (SPEC §11.6). Blobs not in the profile are
// downloaded (and verified) first.
func (c *Core) exportAttachments(dir, id string, n *note.Note, b *bytes.Buffer) error {
	if len(n.Attachments) == 0 {
		return nil
	}
	sub := id + ".files"
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
		return fmt.Errorf("export attachments: %w", err)
	}
	b.WriteString("\n\n## Attachments\n\n")
	used := map[string]bool{}
	for _, a := range n.Attachments {
		name := uniqueName(attach.SafeName(a.Name), used)
		dest := filepath.Join(dir, sub, name)
		err := c.withAttachment(context.Background(), id, a.ID, func(st *attach.Store, r attach.Remote, uid string, ref note.Attachment) error {
			return st.SaveAs(context.Background(), r, uid, ref, dest, nil)
		})
		if err != nil {
			return fmt.Errorf("export attachment %s: %w", a.ID, err)
		}
		link := "<" + sub + "/" + name + ">"
		text := strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(name)
		if strings.HasPrefix(a.Type, "image/") {
			fmt.Fprintf(b, "- ![%s](%s)\n", text, link)
		} else {
			fmt.Fprintf(b, "- [%s](%s)\n", text, link)
		}
	}
	return nil
}

// uniqueName returns name, or "name (2).ext" and so on when taken (case
// folded: Windows and macOS folders are case-insensitive).
func uniqueName(name string, used map[string]bool) string {
	ext := filepath.Ext(name)
	base := strings.TrimSuffix(name, ext)
	out := name
	for i := 2; used[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s (%d)%s", base, i, ext)
	}
	used[strings.ToLower(out)] = true
	return out
}

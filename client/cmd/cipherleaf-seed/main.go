// Command cipherleaf-seed fills a profile with an account and sample notes
// for screenshots and demos: it registers on a running cipherleafd, writes a
// handful of notes, syncs them, and then makes a second device edit the same
// line as the first so that the profile ends with one conflicted copy.
// The notes are sorted into notebooks, two sit in the trash, and "Garden
// plans" has revisions from both devices (for the history screenshot).
//
//	cipherleaf-seed --server URL --pin sha256:HEX --profile DIR --device2 DIR \
//	                --user NAME --password PW
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cipherleaf.dev/client/core"
	"cipherleaf.dev/shared/note"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cipherleaf-seed:", err)
		os.Exit(1)
	}
}

// sample is one seeded note; age is how long ago it was last modified.
type sample struct {
	title, body string
	tags        []string
	age         time.Duration
}

var samples = []sample{
	{"Markdown tour", "# Release checklist\n\nEverything here is **bold**, _italic_, `code` or a [link](https://example.org); see also [[Garden plans]].\n\n## Tasks\n- [x] Write the notes\n- [ ] Tag the release\n  - [ ] Linux bundle\n  - [x] Windows installer\n\n## Sizes\n| build | size | time |\n|---|--:|--:|\n| linux | 31 MB | 2:10 |\n| windows | 34 MB | 3:02 |\n\n```go\nfunc main() {\n\tfmt.Println(\"hello, notes\") // greet\n}\n```\n\n> Ship small, ship often.\n\n---\n\n1. First\n2. Second\n   - nested bullet", []string{"work", "release"}, 5 * time.Minute},
	{"Trip to Lisbon", "Flights on the 14th, back on the 21st.\n\n## To see\n- Tram 28, early, before the crowds\n- Miradouro da Senhora do Monte at sunset\n- LX Factory on Sunday\n\n## To eat\n- Pastéis de nata at Manteigaria\n- Grilled sardines in Alfama", []string{"travel", "2025"}, 3 * 24 * time.Hour},
	{"Garden plans", "# Spring\n\n- Herbs by the kitchen door: thyme, sage, chives\n- Move the **rosemary** to the sunny corner\n- Ask Sam about the old bench", []string{"garden", "home", "spring", "weekend"}, 26 * time.Hour},
	{"Book notes: The Overstory", "Trees communicate through fungal networks.\n\n> \"The best arguments in the world won't change a person's mind. The only thing that can do that is a good story.\"", []string{"books"}, 5 * 24 * time.Hour},
	{"Groceries", "Oat milk, lemons, bread\nCoffee beans (the Ethiopian one)\nTomatoes", []string{"home"}, 40 * time.Minute},
	{"Server setup checklist", "1. Run `cipherleafd serve --data /srv/cipherleaf`\n2. Note the fingerprint it prints\n3. Back up the data folder nightly", []string{"work", "cipherleaf"}, 9 * 24 * time.Hour},
	{"Gift ideas", "Mum: a good pair of secateurs\nLeo: climbing shoes, size 42", []string{"family"}, 14 * 24 * time.Hour},
	{"Recipe: lentil soup", "Onion, carrot, celery. Cumin and smoked paprika. Red lentils, stock, 25 minutes. Lemon at the end.", []string{"recipes", "home"}, 20 * 24 * time.Hour},
}

const conflictTitle = "Weekly plan"
const conflictBase = "Monday: gym at 7\nTuesday: call the bank\nWednesday: dinner with Ana\nFriday: finish the report"

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cipherleaf-seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "server `URL`")
	pin := fs.String("pin", "", "server certificate `fingerprint`")
	profile := fs.String("profile", "", "profile `dir` to fill (the app opens it)")
	device2 := fs.String("device2", "", "scratch profile `dir` for the second device")
	user := fs.String("user", "alice", "user `name`")
	password := fs.String("password", "", "account `password`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *server == "" || *profile == "" || *device2 == "" || *password == "" {
		return errors.New("--server, --profile, --device2 and --password are required")
	}
	now := time.Now()
	a, err := core.Open(core.Config{ProfileDir: *profile, DeviceName: "Laptop"})
	if err != nil {
		return err
	}
	defer a.Close()
	if _, err := a.Register(ctx, core.RegisterInput{ServerURL: *server, Pin: *pin, Username: *user, Password: []byte(*password)}); err != nil {
		return fmt.Errorf("register: %w", err)
	}
	ids := map[string]string{}
	for _, s := range samples {
		t := now.Add(-s.age)
		id, err := a.Create(&note.Note{Title: s.title, Body: s.body, Tags: s.tags, Created: t.Add(-time.Hour), Modified: t})
		if err != nil {
			return fmt.Errorf("create %q: %w", s.title, err)
		}
		ids[s.title] = id
	}
	if err := organize(a, ids, now); err != nil {
		return err
	}
	planT := now.Add(-2 * time.Hour)
	planID, err := a.Create(&note.Note{Title: conflictTitle, Body: conflictBase, Tags: []string{"plans"}, Created: planT, Modified: planT})
	if err != nil {
		return err
	}
	if _, err := a.Sync(ctx); err != nil {
		return fmt.Errorf("sync: %w", err)
	}

	// A second device changes Wednesday's line and syncs first.
	b, err := core.Open(core.Config{ProfileDir: *device2, DeviceName: "Phone"})
	if err != nil {
		return err
	}
	defer b.Close()
	if err := b.Login(ctx, core.LoginInput{ServerURL: *server, Pin: *pin, Username: *user, Password: []byte(*password)}); err != nil {
		return fmt.Errorf("login second device: %w", err)
	}
	if _, err := b.Sync(ctx); err != nil {
		return fmt.Errorf("sync second device: %w", err)
	}
	// The history steps sync both devices, so they come before the plan's
	// edits: this device must not see the other's edit before its own.
	if err := history(ctx, a, b, ids["Garden plans"]); err != nil {
		return err
	}
	if err := edit(b, planID, "Wednesday: dinner with Ana", "Wednesday: dinner with Ana and Tom at 8", now.Add(-30*time.Minute)); err != nil {
		return err
	}
	if _, err := b.Sync(ctx); err != nil {
		return fmt.Errorf("sync second device: %w", err)
	}

	// This device changes the same line offline, then syncs: a conflict.
	if err := edit(a, planID, "Wednesday: dinner with Ana", "Wednesday: cinema with Ana (moved to Thursday?)", now.Add(-20*time.Minute)); err != nil {
		return err
	}
	rep, err := a.Sync(ctx)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	fmt.Fprintf(stdout, "seeded %d notes for %s; %d conflict(s)\n", len(samples)+1, *user, rep.Conflicts)
	return nil
}

// organize puts the samples into notebooks and two more notes in the trash.
func organize(a *core.Core, ids map[string]string, now time.Time) error {
	nbs := map[string]string{}
	for _, p := range [][2]string{{"Home", ""}, {"Work", ""}, {"Projects", "Work"}, {"Reading", ""}, {"Recipes", "Home"}} {
		id, err := a.CreateNotebook(p[0], nbs[p[1]])
		if err != nil {
			return fmt.Errorf("create notebook: %w", err)
		}
		nbs[p[0]] = id
	}
	for title, nb := range map[string]string{"Markdown tour": "Projects", "Server setup checklist": "Work",
		"Groceries": "Home", "Gift ideas": "Home", "Garden plans": "Home", "Recipe: lentil soup": "Recipes",
		"Book notes: The Overstory": "Reading"} {
		if err := a.MoveNote(ids[title], nbs[nb]); err != nil {
			return fmt.Errorf("move %q: %w", title, err)
		}
	}
	for _, title := range []string{"Old packing list", "Draft: letter to the landlord"} {
		t := now.Add(-48 * time.Hour)
		id, err := a.Create(&note.Note{Title: title, Body: "…", Created: t, Modified: t})
		if err != nil {
			return err
		}
		if err := a.Trash(id); err != nil {
			return err
		}
	}
	return nil
}

// history gives "Garden plans" revisions from both devices, synced one by one.
func history(ctx context.Context, a, b *core.Core, id string) error {
	steps := []struct {
		c        *core.Core
		from, to string
	}{
		{b, "- Ask Sam about the old bench", "- Ask Sam about the old bench\n- Tomatoes along the south fence\n- Beans on the trellis"},
		{a, "thyme, sage, chives", "thyme, sage, chives, mint (in a pot!)"},
		{b, "- Beans on the trellis", "- Runner beans on the trellis"},
	}
	for _, s := range steps {
		if _, err := s.c.Sync(ctx); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		if err := edit(s.c, id, s.from, s.to, time.Now()); err != nil {
			return err
		}
		if _, err := s.c.Sync(ctx); err != nil {
			return fmt.Errorf("sync: %w", err)
		}
	}
	return nil
}

func edit(c *core.Core, id, from, to string, at time.Time) error {
	n, err := c.Get(id)
	if err != nil {
		return err
	}
	n.Body = strings.Replace(n.Body, from, to, 1)
	n.Modified = at
	return c.Update(id, n)
}

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Environment variables read through getenv.
const (
	EnvPassword    = "CIPHERLEAF_PASSWORD"     // the account password
	EnvNewPassword = "CIPHERLEAF_NEW_PASSWORD" // passwd and recover
	EnvRecoveryKey = "CIPHERLEAF_RECOVERY_KEY" // recover
	EnvTOTPCode    = "CIPHERLEAF_TOTP_CODE"    // login, recover, passwd, 2fa disable: the two-factor code
)

// app is one invocation: its streams, environment and the opened core.
type app struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	term   terminal // nil when there is no one to ask
	open   func(profileDir string) (Core, error)

	api Core // opened by dispatch for commands that need it
}

// command is one subcommand.
type command struct {
	args   string // synopsis after the name
	help   string
	noCore bool // runs without opening the profile
	run    func(a *app, ctx context.Context, args []string) error
}

// commands lists every subcommand; the usage text is built from it.
func commands() map[string]command {
	return map[string]command{
		"register":     {args: "--server URL --user NAME [--pin sha256:HEX]", help: "create an account and sign this device in; prints the recovery key once", run: (*app).register},
		"login":        {args: "--server URL --user NAME [--pin sha256:HEX] [--code N | --recovery-code C]", help: "sign this device in to an existing account (two-factor code from --code or " + EnvTOTPCode + ")", run: (*app).login},
		"recover":      {args: "--server URL --user NAME [--pin sha256:HEX] [--code N | --recovery-code C]", help: "set a new password with the recovery key (" + EnvRecoveryKey + ", " + EnvNewPassword + ")", run: (*app).recover},
		"new":          {args: "[--title T]", help: "create a note with the body read from stdin; prints its id", run: (*app).newNote},
		"list":         {args: "[--notebook NB_ID|root]", help: "one note a line: ID<TAB>TITLE<TAB>MODIFIED<TAB>NOTEBOOK (path)", run: (*app).list},
		"notebook":     {args: "new NAME [--parent NB_ID] | ls | mv NB_ID --parent NB_ID|root | rm NB_ID [--trash-notes]", help: "notebooks: new prints the id, ls prints NB_ID<TAB>PATH, rm moves its notes to its parent (or to the trash)", run: (*app).notebook},
		"mv":           {args: "NOTE_ID NB_ID|root", help: "move a note into a notebook", run: (*app).mv},
		"show":         {args: "ID [--rev REV]", help: "print a note's body (or one of its past revisions)", run: (*app).show},
		"history":      {args: "NOTE_ID", help: "a note's revisions on the server, newest first: REV<TAB>TIME", run: (*app).history},
		"restore":      {args: "NOTE_ID REV", help: "make a past revision current again (a new revision, synced)", run: (*app).restore},
		"edit":         {args: "ID [--title T]", help: "replace a note's body with stdin", run: (*app).edit},
		"rm":           {args: "ID [--forever]", help: "move a note to the trash (on every device), or delete it for good", run: (*app).rm},
		"trash":        {help: "the trash, one note a line: ID<TAB>TITLE<TAB>DELETED", run: (*app).trash},
		"untrash":      {args: "ID", help: "take a note out of the trash", run: (*app).untrash},
		"empty-trash":  {args: "[--yes]", help: "delete every note in the trash for good, on every device (asks first)", run: (*app).emptyTrash},
		"trash-days":   {args: "[DAYS]", help: "print, or set (1-3650), how many days the account keeps trashed notes before every device purges them (default 30; synced, encrypted)", run: (*app).trashDays},
		"attach":       {args: "NOTE_ID FILE", help: "attach a file to a note (encrypted now, uploaded at the next sync); prints the attachment id", run: (*app).attach},
		"attachments":  {args: "NOTE_ID", help: "a note's attachments, one a line: ATT_ID<TAB>NAME<TAB>SIZE", run: (*app).listAttachments},
		"get":          {args: "NOTE_ID ATT_ID --out PATH", help: "write an attachment to PATH (downloaded and verified first)", run: (*app).getAttachment},
		"detach":       {args: "NOTE_ID ATT_ID", help: "remove an attachment from a note", run: (*app).detach},
		"search":       {args: "QUERY", help: "notes matching QUERY, formatted like list", run: (*app).search},
		"sync":         {help: "push local changes and pull the server's", run: (*app).sync},
		"watch":        {help: "stay connected and print ID<TAB>TITLE for each note that changes on the server, after pulling it, until interrupted", run: (*app).watch},
		"passwd":       {args: "[--code N | --recovery-code C]", help: "change the password (new one from " + EnvNewPassword + " or a prompt)", run: (*app).passwd},
		"recovery-key": {help: "make a new recovery key (the old one stops working); prints it once", run: (*app).newRecoveryKey},
		"rotate-key":   {help: "re-encrypt every note under a new account key", run: (*app).rotateKey},
		"sessions":     {args: "[--revoke ID | --revoke-others]", help: "list (or sign out) the account's devices", run: (*app).sessions},
		"logout":       {args: "[--force]", help: "sign out and forget the account on this device", run: (*app).logout},
		"export":       {args: "--out PATH [--plain]", help: "encrypted backup, or with --plain an UNENCRYPTED Markdown folder", run: (*app).export},
		"import":       {args: "[--from enex|joplin|standardnotes|keep|markdown] [--notebook NAME] [--dry-run] PATH", help: "import another app's export (format detected when --from is omitted) or an encrypted backup", run: (*app).importCmd},
		"2fa":          {args: "enable | confirm CODE | disable [--code N | --recovery-code C] | status", help: "two-factor sign-in: enable prints the otpauth:// URI and secret, confirm prints the ten recovery codes", run: (*app).twoFactor},
		"help":         {help: "show this help", noCore: true, run: (*app).help},
	}
}

// Run executes one cipherleaf-cli command line (args without the program
// name). open builds the core for a profile folder. On failure it writes one
// line to stderr and returns the error; IsUsage tells command-line mistakes.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader,
	stdout, stderr io.Writer, open func(profileDir string) (Core, error)) error {
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, open: open, term: openTerminal(stdin, stderr)}
	return a.main(ctx, args)
}

// main runs args and reports a failure on stderr.
func (a *app) main(ctx context.Context, args []string) error {
	err := a.dispatch(ctx, args)
	if err != nil {
		fmt.Fprintln(a.stderr, "cipherleaf-cli: "+oneLine(a.words(err)))
	}
	return err
}

func (a *app) dispatch(ctx context.Context, args []string) (err error) {
	fs := newFlagSet("cipherleaf-cli")
	profile := fs.String("profile", "", "profile folder")
	if err := parse(fs, args); errors.Is(err, flag.ErrHelp) {
		return a.help(ctx, nil)
	} else if err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usagef("no command given (try: cipherleaf-cli help)")
	}
	name := rest[0]
	cmd, ok := commands()[name]
	if !ok {
		return usagef("unknown command %q (try: cipherleaf-cli help)", name)
	}
	if cmd.noCore {
		return cmd.run(a, ctx, rest[1:])
	}
	dir := *profile
	if dir == "" {
		if dir, err = defaultProfile(a.getenv); err != nil {
			return &cliError{msg: err.Error()}
		}
	}
	if a.api, err = a.open(dir); err != nil {
		return fmt.Errorf("open profile %s: %w", dir, err)
	}
	defer func() {
		if cerr := a.api.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close profile: %w", cerr)
		}
	}()
	return cmd.run(a, ctx, rest[1:])
}

// help prints the usage text to stdout.
func (a *app) help(_ context.Context, args []string) error {
	if len(args) > 0 {
		return usagef("help takes no arguments")
	}
	var b strings.Builder
	b.WriteString("cipherleaf-cli: end-to-end encrypted notes from the command line\n\n")
	b.WriteString("usage: cipherleaf-cli [--profile DIR] COMMAND [ARGS]\n\n")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := cmds[n]
		fmt.Fprintf(&b, "  %s %s\n      %s\n", n, c.args, c.help)
	}
	fmt.Fprintf(&b, "\nThe password comes from %s when set, else from a prompt.\n", EnvPassword)
	b.WriteString("--profile defaults to the cipherleaf folder in the user's config folder.\n")
	_, err := io.WriteString(a.stdout, b.String())
	return err
}

// newFlagSet returns a silent flag set: errors come back from parse.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args and turns flag errors into usage errors. A
// subcommand's flags may follow its positional arguments (edit ID --title T);
// everything after "--" is positional.
func parse(fs *flag.FlagSet, args []string) error {
	fail := func(err error) error {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("%s: see cipherleaf-cli help", fs.Name())
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	if fs.Name() == "cipherleaf-cli" { // global flags stop at the command
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return fail(err)
		}
		return nil
	}
	var tail []string
	for i, s := range args {
		if s == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return fail(err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	// Leave the positionals in fs.Args().
	_ = fs.Parse(append(append([]string{"--"}, pos...), tail...))
	return nil
}

// positional parses args for command name and checks the positional count.
func positional(fs *flag.FlagSet, args []string, n int, what string) ([]string, error) {
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if got := fs.Args(); len(got) != n {
		if n == 0 {
			return nil, usagef("%s takes no arguments", fs.Name())
		}
		return nil, usagef("%s needs %s", fs.Name(), what)
	}
	return fs.Args(), nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"redress/cases"
	"redress/cases/store"
	"redress/server/config"
)

const userUsage = `usage: redress user add --email E --name N --role agent|supervisor|admin [--language zh-CN|en] [--timezone ZONE]

The password is read from standard input (one line), never from the command
line, where other users of the machine could see it:

  printf '%s\n' "$PASSWORD" | redress user add --email ann@example.com --name Ann --role admin
`

// userAddOptions are the flags of "redress user add". There is deliberately
// no password flag: argv is visible to every user of the machine (ps,
// /proc) and lands in shell history.
type userAddOptions struct {
	email, name, role, language, timezone string
}

// userAddFlags returns the flag set of "redress user add", writing its
// errors to w.
func userAddFlags(w io.Writer, defaultZone string) (*flag.FlagSet, *userAddOptions) {
	o := &userAddOptions{}
	fs := flag.NewFlagSet("redress user add", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() { _, _ = io.WriteString(w, userUsage) }
	fs.StringVar(&o.email, "email", "", "the user's email, used to sign in")
	fs.StringVar(&o.name, "name", "", "the user's display name")
	fs.StringVar(&o.role, "role", "", "agent, supervisor or admin")
	fs.StringVar(&o.language, "language", string(cases.DefaultLanguage), "zh-CN or en")
	fs.StringVar(&o.timezone, "timezone", defaultZone, "IANA time zone")
	return fs, o
}

// userCommand runs "redress user …".
func userCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		_, _ = io.WriteString(stderr, userUsage)
		return errors.New("user: want the subcommand add")
	}
	fs, o := userAddFlags(stderr, cfg.Location.String())
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("user add: unexpected argument %q (the password is read from stdin)", fs.Arg(0))
	}
	if o.email == "" || o.name == "" || o.role == "" {
		_, _ = io.WriteString(stderr, userUsage)
		return errors.New("user add: --email, --name and --role are required")
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	db, _, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	people := store.NewPeople(db, cases.DefaultAccessPolicy())
	u, err := people.CreateUser(ctx, cases.NewUser{
		Email:       o.email,
		DisplayName: o.name,
		Role:        cases.Role(o.role),
		Language:    cases.Language(o.language),
		TimeZone:    o.timezone,
		Password:    password,
	})
	if err != nil {
		return fmt.Errorf("user add: %s", describe(err))
	}
	fmt.Fprintf(stdout, "created user %d: %s (%s)\n", u.ID, u.Email, u.Role)
	return nil
}

// readPassword reads one line from stdin: without echo when stdin is a
// terminal, as sent otherwise.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", errors.New("no password on stdin: send it as one line")
	}
	return line, nil
}

// describe phrases a domain error for the command line, naming the flag
// behind the field at fault.
func describe(err error) string {
	var e *cases.Error
	if !errors.As(err, &e) || e.Code == cases.Internal {
		return err.Error()
	}
	flagOf := map[string]string{"email": "--email", "display_name": "--name", "role": "--role",
		"language": "--language", "time_zone": "--timezone", "password": "the password"}
	if f, ok := flagOf[e.Field]; ok {
		return f + " " + e.Message
	}
	return e.Message
}

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// passwordFlags are the ways to give a backup password. The command line is
// the worst of them (visible in the process list and shell history), so it is
// accepted for MVT compatibility only, with a warning.
type passwordFlags struct {
	file           string
	value          string
	nonInteractive bool
}

func (p *passwordFlags) register(fl *pflag.FlagSet, withNonInteractive bool) {
	fl.StringVar(&p.file, "password-file", "", "read the backup password from this file (first line)")
	fl.StringVarP(&p.value, "password", "p", "", "backup password (discouraged: visible to other users and kept in shell history; prefer the prompt, --password-file or the environment)")
	if withNonInteractive {
		fl.BoolVarP(&p.nonInteractive, "non-interactive", "n", false, "never prompt for a password")
	}
}

// errNoPassword means no source gave a password and prompting was not
// possible or allowed.
var errNoPassword = errors.New("no password given")

// get returns the password from, in order: --password-file, the environment
// (envs, first set wins), -p, then a prompt without echo when stdin is a
// terminal. The password is never logged.
func (p *passwordFlags) get(app *App, what string, envs ...string) ([]byte, error) {
	if p.file != "" {
		b, err := safefile.ReadFile(p.file)
		if err != nil {
			return nil, fmt.Errorf("reading the password file: %w", err)
		}
		line, _, _ := bytes.Cut(b, []byte("\n"))
		return bytes.TrimRight(line, "\r"), nil
	}
	for _, e := range envs {
		if v := app.Getenv(e); v != "" {
			return []byte(v), nil
		}
	}
	if p.value != "" {
		fmt.Fprintln(app.Stderr, "warning: a password given with -p is visible to other users of this computer and stays in your shell history; prefer the prompt, --password-file or "+strings.Join(envs, "/"))
		return []byte(p.value), nil
	}
	if p.nonInteractive {
		return nil, fmt.Errorf("%w for the %s and --non-interactive forbids asking", errNoPassword, what)
	}
	f, ok := app.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fmt.Errorf("%w for the %s: use --password-file or set %s", errNoPassword, what, envs[0])
	}
	fmt.Fprintf(app.Stderr, "Password for the %s: ", what)
	pw, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(app.Stderr)
	if err != nil {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	return pw, nil
}

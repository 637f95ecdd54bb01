package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spyglass-forensics/spyglass/internal/logging"
)

// Exit codes: 0 analysis done (alerts or not), 1 the analysis could not run,
// 2 usage error.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// usageError marks errors caused by how the command was called.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// codedError ends the command with a given exit code: iocs check answers
// through it as grep does. A nil err prints nothing.
type codedError struct {
	code int
	err  error
}

func (c codedError) Error() string {
	if c.err == nil {
		return fmt.Sprintf("exit status %d", c.code)
	}
	return c.err.Error()
}
func (c codedError) Unwrap() error { return c.err }

// NewRoot builds the whole command tree.
func NewRoot(app *App) *cobra.Command {
	root := asGroup(&cobra.Command{
		Use:   "spyglass",
		Short: "Find traces of targeted spyware, stalkerware and phishing on phones",
		Long: `spyglass checks iOS and Android evidence (backups, filesystem dumps, AndroidQF
acquisitions, bugreports) against public indicators of compromise (Pegasus, Predator,
stalkerware and more) and heuristics, and writes MVT-compatible results.

Finding no known indicators does not prove a phone is clean.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       app.Version,
	})
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newIOSCmd(app),
		newAndroidCmd(app),
		newCheckIOCsCmd(app),
		newCheckURLCmd(app),
		newCheckEmailCmd(app),
		newReportCmd(app),
		newIOCsCmd(app),
		newDemoCmd(app),
		newVersionCmd(app),
		newCheckPcapCmd(app),
		newCheckNetlogsCmd(app),
	)
	return root
}

// Execute runs the command line args and returns the process exit code.
func Execute(ctx context.Context, app *App, args []string) int {
	root := NewRoot(app)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var c codedError
	if errors.As(err, &c) {
		if c.err != nil {
			fmt.Fprintf(app.Stderr, "spyglass: %s\n", logging.Escape(sentence(c.err))) // errors quote evidence text
		}
		return c.code
	}
	fmt.Fprintf(app.Stderr, "spyglass: %s\n", logging.Escape(sentence(err)))
	var u usageError
	if errors.As(err, &u) || isCobraUsage(err) {
		return ExitUsage
	}
	return ExitFail
}

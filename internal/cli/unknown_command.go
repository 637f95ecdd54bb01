package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// asGroup makes a command that only holds subcommands refuse an unknown one.
// Without it cobra runs the group itself, which prints its help and exits 0:
// a script calling a misspelt or MVT-only subcommand would "succeed".
func asGroup(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		return unknownCommand(cmd, args[0])
	}
	return cmd
}

// unknownCommand is the usage error for name under cmd, with the nearest
// subcommands cobra knows (edit distance ≤ 2, or a prefix).
func unknownCommand(cmd *cobra.Command, name string) error {
	msg := fmt.Sprintf("unknown command %q for %q", name, cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which it applies only to the root
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		q := make([]string, len(s))
		for i, c := range s {
			q[i] = fmt.Sprintf("%q", cmd.CommandPath()+" "+c)
		}
		msg += "; did you mean " + strings.Join(q, " or ") + "?"
	} else {
		msg += fmt.Sprintf("; %q lists the commands", cmd.CommandPath()+" --help")
	}
	return usageError{fmt.Errorf("%s", msg)}
}

// flagError is the usage error for a flag cobra could not parse. On a
// group, `ios check-bakup -o x` fails on -o, which belongs to the command
// the user meant: the unknown command is what to report.
func flagError(cmd *cobra.Command, err error) error {
	if cmd.HasSubCommands() {
		if args := cmd.Flags().Args(); len(args) > 0 {
			return unknownCommand(cmd, args[0])
		}
	}
	return usageError{err}
}

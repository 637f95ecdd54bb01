package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/synth"
)

func newDemoCmd(app *App) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "demo [-o DIR]",
		Short: "Check a synthetic iPhone backup that holds real spyware traces",
		Long: `Write a small synthetic iPhone backup in the real iTunes/Finder format, with a few
traces of publicly documented spyware taken from the embedded indicator feeds (a Pegasus
link in an SMS, a Pegasus process in the network-usage database, a Predator page in
Safari, a stalkerware link in WhatsApp, a Pegasus file), check it as
"spyglass ios check-backup" would, and print where the results are.

The backup goes to DIR/evidence and the results to DIR/results (DIR is a new temporary
folder without -o). No real phone is involved.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			base := out
			if base == "" {
				d, err := os.MkdirTemp("", "spyglass-demo-")
				if err != nil {
					return err
				}
				base = d
			}
			evidence, results := filepath.Join(base, "evidence"), filepath.Join(base, "results")
			traces, err := synth.Demo(evidence)
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "Wrote a synthetic iPhone backup to %s with %d planted traces:\n", evidence, len(traces))
			for _, t := range traces {
				fmt.Fprintf(app.Stdout, "  %-22s %-40s (%s) -> expect %s in %s\n", t.Kind, t.Value, t.Collection, t.Level(), t.Module())
			}
			fmt.Fprintln(app.Stdout)
			f := checkFlags{output: results, force: force}
			err = runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "demo",
				target:       evidence,
				modules:      ios.ModulesFor(module.IOSBackup),
				platform:     "ios",
				evidenceType: "ios_backup",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					b, err := source.OpenIOSBackup(evidence)
					if err != nil {
						return nil, nil, err
					}
					in.FS, in.Source = b.FS(), b
					return jobsFor(ios.ModulesFor(module.IOSBackup), in, ""), func() { b.Close() }, nil
				},
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "\nThis was a demo on a synthetic backup: no real phone is involved.\nDemo results: %s\nOpen the report: %s\n", results, filepath.Join(results, "report.html"))
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "folder for the demo (the backup goes to DIR/evidence, the results to DIR/results)")
	cmd.Flags().BoolVar(&force, "force", false, "reuse a DIR that holds an earlier demo: its result files are replaced")
	return cmd
}

package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/output"
	"github.com/spyglass-forensics/spyglass/internal/report"
)

func newReportCmd(app *App) *cobra.Command {
	var out string
	var redact bool
	cmd := &cobra.Command{
		Use:   "report [flags] RESULTS_DIR",
		Short: "Build the readable HTML report of a results folder (spyglass's or MVT's)",
		Long: `Build report.html, one self-contained page with the verdict, the findings grouped by
malware family, the timeline around each finding and what could not be checked, from a results
folder written by spyglass or by MVT.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := report.ReadResults(args[0])
			if err != nil {
				return err
			}
			if out == "" {
				// Written into the results folder: not while a check
				// is writing the files it reads.
				unlock, err := output.LockDir(args[0])
				if errors.Is(err, output.ErrLocked) {
					return fmt.Errorf("%s: %w; wait for it to end", args[0], err)
				} else if err != nil {
					return err
				}
				defer unlock()
				out = filepath.Join(args[0], "report.html")
			}
			if err := report.WriteHTMLFile(out, r, report.HTMLOptions{Redact: redact, Modules: descriptors(r.SummaryOrBuild().Platform)}); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "Report written to %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "where to write the page (default RESULTS_DIR/report.html)")
	cmd.Flags().BoolVar(&redact, "redact", false, "hide message bodies, contact names and phone numbers so the page can be shared")
	return cmd
}

package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/netcap"
)

// newIOCsExportCmd writes the loaded network indicators for live tools.
func newIOCsExportCmd(app *App) *cobra.Command {
	var flags iocFlags
	var format, out string
	cmd := &cobra.Command{
		Use:   "export --format suricata|hosts|csv [-o FILE]",
		Short: "Write the loaded domain and IP indicators as Suricata rules, a hosts file or CSV",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(netcap.ExportFormats, format) {
				return usageError{fmt.Errorf("--format must be one of %s", strings.Join(netcap.ExportFormats, ", "))}
			}
			idx, _, err := flags.load(app)
			if err != nil {
				return err
			}
			var w io.Writer = app.Stdout
			if out != "" {
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
				if err != nil {
					return err
				}
				err = netcap.Export(f, idx, format)
				return errors.Join(err, f.Close())
			}
			return netcap.Export(w, idx, format)
		},
	}
	flags.register(cmd.Flags())
	cmd.Flags().StringVar(&format, "format", "", "suricata, hosts or csv")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	return cmd
}

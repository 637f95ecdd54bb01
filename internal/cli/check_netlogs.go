package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/netcap"
)

// newCheckNetlogsCmd checks Zeek logs and Suricata eve.json.
func newCheckNetlogsCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-netlogs [flags] PATH...",
		Short: "Check Zeek logs (dns, ssl, http, conn, x509; TSV or JSON) and Suricata eve.json against indicators",
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, p := range args[1:] {
				if _, err := os.Stat(p); err != nil {
					return fmt.Errorf("cannot read %s: %w", p, err)
				}
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "check-netlogs",
				target:       args[0],
				moreTargets:  args[1:],
				modules:      netcap.LogModules(),
				platform:     "network",
				evidenceType: "network_logs",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					in.Source = &netcap.NetLogs{Paths: args}
					return jobsFor(netcap.LogModules(), in, ""), nil, nil
				},
			})
		},
	}
	f.register(cmd, false, netcap.LogModules)
	multipleEvidence(cmd, &f)
	return cmd
}

// multipleEvidence lets a check command take several paths analysed as one
// (register allows one).
func multipleEvidence(cmd *cobra.Command, f *checkFlags) {
	args := cmd.Args
	cmd.Args = func(c *cobra.Command, a []string) error {
		if f.list {
			return args(c, a)
		}
		return cobra.MinimumNArgs(1)(c, a)
	}
}

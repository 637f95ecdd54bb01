package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/netcap"
)

// newCheckPcapCmd checks network captures (pcap, pcapng, gzip or not).
func newCheckPcapCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-pcap [flags] FILE...",
		Short: "Check network captures (.pcap, .pcapng, gzip-compressed or not) against indicators",
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, p := range args[1:] {
				if fi, err := os.Stat(p); err != nil || fi.IsDir() {
					return fmt.Errorf("cannot read %s: not a capture file", p)
				}
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "check-pcap",
				target:       args[0],
				moreTargets:  args[1:],
				modules:      netcap.Modules(),
				platform:     "network",
				evidenceType: "network_capture",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					in.Source = &netcap.Captures{Paths: args}
					return jobsFor(netcap.Modules(), in, ""), nil, nil
				},
			})
		},
	}
	f.register(cmd, false, netcap.Modules)
	multipleEvidence(cmd, &f)
	return cmd
}

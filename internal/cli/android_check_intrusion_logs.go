package cli

import (
	"fmt"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/android"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/android/intrusionlogs"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newAndroidCheckIntrusionLogsCmd(app *App) *cobra.Command {
	var f checkFlags
	var tz string
	cmd := &cobra.Command{
		Use:   "check-intrusion-logs [flags] LOGS",
		Short: "Check Android intrusion logging exports (folder or .zip of NDJSON files)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if tz != "" {
				if _, err := time.LoadLocation(tz); err != nil {
					return usageError{fmt.Errorf("unknown time zone %q (use an IANA name such as Europe/Paris)", tz)}
				}
			}
			if err := expectKind(cmd, args[0], source.KindIntrusionLogs); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "android check-intrusion-logs",
				target:       args[0],
				modules:      android.ModulesFor(module.IntrusionLogs),
				platform:     "android",
				evidenceType: "intrusion_logs",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					logs, closer, err := intrusionlogs.Open(args[0])
					if err != nil {
						return nil, nil, err
					}
					in.Source, in.FS, in.Options.Timezone = logs, logs.FS, tz
					return jobsFor(android.ModulesFor(module.IntrusionLogs), in, ""), func() { closer.Close() }, nil
				},
			})
		},
	}
	f.register(cmd, false, func() []module.Module { return android.ModulesFor(module.IntrusionLogs) })
	cmd.Flags().StringVarP(&tz, "timezone", "t", "", "IANA time zone for the timestamps (default UTC)")
	return cmd
}

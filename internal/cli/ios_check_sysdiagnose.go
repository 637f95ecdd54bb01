package cli

import (
	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSCheckSysdiagnoseCmd(app *App) *cobra.Command {
	var f checkFlags
	mods := func() []module.Module { return ios.ModulesFor(module.Sysdiagnose) }
	cmd := &cobra.Command{
		Use:   "check-sysdiagnose [flags] SYSDIAGNOSE",
		Short: "Check an iPhone sysdiagnose (its folder or its .tar.gz)",
		Long: `Check a sysdiagnose, which the phone's owner makes without a computer (press both volume
buttons and the side button together; after about ten minutes it is in Settings > Privacy &
Security > Analytics & Improvements > Analytics Data, named sysdiagnose_….tar.gz). Give the
.tar.gz as it is, or the folder it unpacks to. The archive is read once, as a stream, and never
unpacked to disk. The modules read shutdown.log (processes still running at each reboot), the
process lists ps.txt and ps_thread.txt, the crash reports (crashes_and_spins/*.ips), installd's
app installation log and the remembered Wi-Fi networks. The unified log (system_logs.logarchive) is not read.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindSysdiagnose); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "ios check-sysdiagnose",
				target:       args[0],
				modules:      mods(),
				platform:     "ios",
				evidenceType: "sysdiagnose",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					s, err := source.OpenSysdiagnose(args[0], ios.SysdiagnoseFiles())
					if err != nil {
						return nil, nil, err
					}
					// Said on every run, so that no one reads the result as
					// covering the unified log.
					in.Log.Warn("the unified log (system_logs.logarchive) was not checked: spyglass has no tested reader for its tracev3 format yet")
					for _, p := range s.Problems() {
						in.Log.Warn(p)
					}
					if n := len(s.Links()); n > 0 {
						in.Log.Info("links in the archive were recorded and not followed", "count", n)
					}
					in.FS, in.Source = s.FS(), s
					return jobsFor(mods(), in, ""), func() { s.Close() }, nil
				},
			})
		},
	}
	f.register(cmd, true, mods)
	return cmd
}

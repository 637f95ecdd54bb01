package cli

import (
	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSCheckFSCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-fs [flags] DUMP",
		Short: "Check a full filesystem dump of an iPhone (folder with private/var/...)",
		Long: `Check a full filesystem dump (a jailbreak or checkm8 extraction, laid out as the
phone's filesystem: private/var/mobile/...) with the filesystem-only modules (the whole file
listing, shutdown.log, caches, analytics, WebKit data, network usage) and the modules that read
the same artifacts in backups. Symbolic links inside the dump are never followed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindIOSFS); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "ios check-fs",
				target:       args[0],
				modules:      ios.ModulesFor(module.IOSFilesystem),
				platform:     "ios",
				evidenceType: "ios_fs",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					d, err := source.OpenIOSDump(args[0])
					if err != nil {
						return nil, nil, err
					}
					in.FS, in.Source = d.FS(), d
					return jobsFor(ios.ModulesFor(module.IOSFilesystem), in, ""), func() { d.Close() }, nil
				},
			})
		},
	}
	f.register(cmd, true, func() []module.Module { return ios.ModulesFor(module.IOSFilesystem) })
	return cmd
}

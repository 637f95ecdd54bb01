package cli

import (
	"github.com/spf13/cobra"
	"github.com/spyglass-forensics/spyglass/internal/android"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newAndroidCheckBugreportCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-bugreport [flags] BUGREPORT",
		Short: "Check an Android bugreport (.zip or unzipped folder)",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindBugreport); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "android check-bugreport",
				target:       args[0],
				modules:      android.ModulesFor(module.Bugreport),
				localTime:    true,
				alwaysHash:   true,
				platform:     "android",
				evidenceType: "bugreport",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					b, err := source.OpenBugreport(args[0])
					if err != nil {
						return nil, nil, err
					}
					in.FS, in.Source = b.FS(), b
					return jobsFor(android.ModulesFor(module.Bugreport), in, ""), func() { b.Close() }, nil
				},
			})
		},
	}
	f.register(cmd, false, func() []module.Module { return android.ModulesFor(module.Bugreport) })
	return cmd
}

package cli

import "github.com/spf13/cobra"

// newAndroidCmd is the "android" group, with MVT's mvt-android vocabulary.
func newAndroidCmd(app *App) *cobra.Command {
	cmd := asGroup(&cobra.Command{
		Use:   "android",
		Short: "Check AndroidQF acquisitions, bugreports, adb backups and intrusion logs",
	})
	cmd.AddCommand(
		newAndroidCheckAndroidQFCmd(app),
		newAndroidCheckBugreportCmd(app),
		newAndroidCheckBackupCmd(app),
		newAndroidCheckIntrusionLogsCmd(app),
		newMVTCheckIOCsCmd(app),
		newMVTDownloadIOCsCmd(app),
		newAndroidCheckADBCmd(),
	)
	registerMaxUnpacked(cmd)
	return cmd
}

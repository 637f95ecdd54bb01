package cli

import "github.com/spf13/cobra"

// newIOSCmd is the "ios" group, with MVT's mvt-ios vocabulary.
func newIOSCmd(app *App) *cobra.Command {
	cmd := asGroup(&cobra.Command{
		Use:   "ios",
		Short: "Check iOS backups and filesystem dumps",
	})
	cmd.AddCommand(
		newIOSCheckBackupCmd(app),
		newIOSCheckFSCmd(app),
		newIOSCheckSysdiagnoseCmd(app),
		newIOSDecryptBackupCmd(app),
		newIOSExtractKeyCmd(app),
		newMVTCheckIOCsCmd(app),
		newMVTDownloadIOCsCmd(app),
	)
	return cmd
}

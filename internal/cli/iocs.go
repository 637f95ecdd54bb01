package cli

import "github.com/spf13/cobra"

// newIOCsCmd is the "iocs" group: list, check and update the indicators.
// (Owned by the indicators engineer; this is the placeholder they replace.)
func newIOCsCmd(app *App) *cobra.Command {
	return &cobra.Command{Use: "iocs", Short: "List, check and update the indicators of compromise"}
}

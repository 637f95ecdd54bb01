package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSCheckBackupCmd(app *App) *cobra.Command {
	var f checkFlags
	cmd := &cobra.Command{
		Use:   "check-backup [flags] BACKUP",
		Short: "Check an iTunes/Finder backup of an iPhone",
		Long: `Check an iTunes/Finder backup folder (the one holding Manifest.db and Info.plist, or
a folder holding exactly one such backup) against indicators and heuristics.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "ios check-backup",
				target:       args[0],
				modules:      ios.BackupModules(),
				evidenceType: "ios_backup",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					b, err := source.OpenIOSBackup(args[0])
					if errors.Is(err, source.ErrEncryptedBackup) {
						return nil, nil, fmt.Errorf("%s is an encrypted backup; decrypt it first with spyglass ios decrypt-backup", args[0])
					}
					if err != nil {
						return nil, nil, err
					}
					in.FS, in.Source = b.FS(), b
					return jobsFor(ios.BackupModules(), in, ""), nil, nil
				},
			})
		},
	}
	f.register(cmd, true)
	return cmd
}

// jobsFor pairs each module with the same input.
func jobsFor(mods []module.Module, in *module.Input, group string) []module.Job {
	jobs := make([]module.Job, len(mods))
	for i, m := range mods {
		jobs[i] = module.Job{Module: m, Input: in, Group: group}
	}
	return jobs
}

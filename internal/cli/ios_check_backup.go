package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ios"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/report"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSCheckBackupCmd(app *App) *cobra.Command {
	var f checkFlags
	var cred credentialFlags
	cmd := &cobra.Command{
		Use:   "check-backup [flags] BACKUP",
		Short: "Check an iTunes/Finder backup of an iPhone (plain or encrypted)",
		Long: `Check an iTunes/Finder backup folder (the one holding Manifest.db and Info.plist, or
a folder holding exactly one such backup) against indicators and heuristics.

An encrypted backup is checked in place: its files are decrypted in memory (or in private
temporary files removed on exit), never written beside the evidence. The password comes from
--password-file, SPYGLASS_IOS_BACKUP_PASSWORD (or MVT_IOS_BACKUP_PASSWORD), -p, or a prompt;
-k/--key-file uses a key saved by "spyglass ios extract-key" instead.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindIOSBackup); err != nil {
				return err
			}
			dir, err := source.FindIOSBackup(args[0])
			if err != nil {
				return err
			}
			var desc report.Evidence
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "ios check-backup",
				target:       dir,
				modules:      ios.ModulesFor(module.IOSBackup),
				platform:     "ios",
				evidenceType: "ios_backup",
				describe:     func() report.Evidence { return desc },
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					src, closeSrc, err := openIOSBackup(app, &cred, dir, in)
					if err != nil {
						return nil, nil, err
					}
					desc = describeIOSBackup(src)
					in.FS, in.Source = src.FS(), src
					return jobsFor(ios.ModulesFor(module.IOSBackup), in, ""), closeSrc, nil
				},
			})
		},
	}
	f.register(cmd, true, func() []module.Module { return ios.ModulesFor(module.IOSBackup) })
	cred.register(cmd)
	return cmd
}

// openIOSBackup opens a plain backup, or an encrypted one with the
// user's password or key.
func openIOSBackup(app *App, cred *credentialFlags, dir string, in *module.Input) (source.IOS, func(), error) {
	b, err := source.OpenIOSBackup(dir)
	if err == nil {
		return b, func() { b.Close() }, nil
	}
	if !errors.Is(err, source.ErrEncryptedBackup) {
		return nil, nil, err
	}
	in.Log.Info("the backup is encrypted: decrypting it in memory")
	return openEncryptedIOSBackup(app, cred, dir)
}

// jobsFor pairs each module with the same input.
func jobsFor(mods []module.Module, in *module.Input, group string) []module.Job {
	jobs := make([]module.Job, len(mods))
	for i, m := range mods {
		jobs[i] = module.Job{Module: m, Input: in, Group: group}
	}
	return jobs
}

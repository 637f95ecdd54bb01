package cli

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/android"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/android/backup"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newAndroidCheckBackupCmd(app *App) *cobra.Command {
	var f checkFlags
	var pw passwordFlags
	cmd := &cobra.Command{
		Use:   "check-backup [flags] BACKUP",
		Short: "Check an adb backup (.ab file, plain, compressed or encrypted, or an extracted folder)",
		Long: `Check an "adb backup" file (.ab: plain, zlib-compressed or AES-256 encrypted) or a
folder extracted from one (holding apps/...). The password of an encrypted backup comes from
--password-file, SPYGLASS_ANDROID_BACKUP_PASSWORD (or MVT_ANDROID_BACKUP_PASSWORD), -p, or a
prompt; -n never prompts.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := expectKind(cmd, args[0], source.KindAndroidBackup); err != nil {
				return err
			}
			return runCheck(cmd.Context(), app, &f, checkSpec{
				command:      "android check-backup",
				target:       args[0],
				modules:      android.ModulesFor(module.AndroidBackup),
				localTime:    true,
				alwaysHash:   true,
				platform:     "android",
				evidenceType: "android_backup",
				jobs: func(in *module.Input) ([]module.Job, func(), error) {
					src, err := openAndroidBackup(app, &pw, args[0])
					if err != nil {
						return nil, nil, err
					}
					in.Source = src
					return jobsFor(android.ModulesFor(module.AndroidBackup), in, ""), nil, nil
				},
			})
		},
	}
	f.register(cmd, false, func() []module.Module { return android.ModulesFor(module.AndroidBackup) })
	pw.register(cmd.Flags(), true)
	return cmd
}

// openAndroidBackup opens an .ab file (asking for the password only when it
// is encrypted) or an extracted folder.
func openAndroidBackup(app *App, pw *passwordFlags, p string) (backup.Source, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		root, err := os.OpenRoot(p)
		if err != nil {
			return nil, err
		}
		return &backup.Folder{FS: safefile.FS(root), Name: p}, nil
	}
	fh, err := safefile.Open(p)
	if err != nil {
		return nil, err
	}
	h, err := backup.ReadHeader(bufio.NewReader(fh))
	fh.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	var password []byte
	if h.Encrypted() {
		password, err = pw.get(app, "Android backup "+filepath.Base(p), "SPYGLASS_ANDROID_BACKUP_PASSWORD", "MVT_ANDROID_BACKUP_PASSWORD")
		if err != nil {
			return nil, err
		}
	}
	fsys, name := safefile.FileFS(p)
	src, err := backup.OpenFile(fsys, name, password)
	if errors.Is(err, backup.ErrWrongPassword) {
		return nil, fmt.Errorf("invalid backup password for %s", p)
	}
	return src, err
}

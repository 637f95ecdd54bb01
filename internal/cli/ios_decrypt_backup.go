package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/logging"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSDecryptBackupCmd(app *App) *cobra.Command {
	var cred credentialFlags
	var dest string
	var hashes bool
	cmd := &cobra.Command{
		Use:   "decrypt-backup -d DEST [flags] BACKUP",
		Short: "Write a decrypted copy of an encrypted backup, for other tools",
		Long: `Write a decrypted copy of an encrypted iTunes/Finder backup to DEST in the standard layout
(Manifest.db, <xx>/<fileID>, the root property lists). spyglass ios check-backup does not need
it: it checks encrypted backups in place. The copy holds the phone's data in the clear: DEST is
created readable by you only. With -H, DEST/info.json records the SHA-256 of every encrypted
file read and every decrypted file written.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dest == "" {
				return usageError{errors.New("decrypt-backup needs -d/--destination")}
			}
			dir, err := source.FindIOSBackup(args[0])
			if err != nil {
				return err
			}
			c, err := cred.credential(app, dir)
			if err != nil {
				return err
			}
			res, err := ioscrypto.DecryptBackup(cmd.Context(), dir, dest, c, ioscrypto.DecryptOptions{Hashes: hashes})
			if errors.Is(err, ioscrypto.ErrWrongPassword) {
				return fmt.Errorf("wrong password or key for the encrypted backup %s", dir)
			}
			if errors.Is(err, ioscrypto.ErrDestInsideSource) {
				return usageError{err} // exit 2, as -o inside the evidence
			}
			if err != nil {
				return err
			}
			for _, e := range res.Failed {
				fmt.Fprintf(app.Stderr, "warning: %s\n", logging.Escape(e.Error()))
			}
			if hashes {
				b, err := json.MarshalIndent(res.Hashes, "", "    ")
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dest, "info.json"), b, 0o600); err != nil {
					return err
				}
			}
			fmt.Fprintf(app.Stdout, "Decrypted %d files to %s (%d could not be decrypted).\n", res.Files, dest, len(res.Failed))
			return nil
		},
	}
	cred.register(cmd)
	cmd.Flags().StringVarP(&dest, "destination", "d", "", "folder for the decrypted copy (must not be inside the backup)")
	cmd.Flags().BoolVarP(&hashes, "hashes", "H", false, "record the SHA-256 of every encrypted and decrypted file in DEST/info.json")
	return cmd
}

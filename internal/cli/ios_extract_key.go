package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
	"github.com/spyglass-forensics/spyglass/internal/source"
)

func newIOSExtractKeyCmd(app *App) *cobra.Command {
	var pw passwordFlags
	var out string
	cmd := &cobra.Command{
		Use:   "extract-key [flags] BACKUP",
		Short: "Derive an encrypted backup's key once, so later runs need neither the password nor the wait",
		Long: `Derive the decryption key of an encrypted iTunes/Finder backup from its password (the slow
part: about ten million PBKDF2 iterations) and write it to the file given by -k, readable by you
only. Later commands take it with -k/--key-file. The key file opens the backup as the password
does: keep it as carefully.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := source.FindIOSBackup(args[0])
			if err != nil {
				return err
			}
			if out != "" && pathInside(out, dir) {
				return usageError{fmt.Errorf("the key file %s is inside the backup %s; choose a place outside it so the evidence stays unmodified", out, dir)}
			}
			p, err := pw.get(app, "iOS backup "+dir, "SPYGLASS_IOS_BACKUP_PASSWORD", "MVT_IOS_BACKUP_PASSWORD")
			if err != nil {
				return err
			}
			root, err := os.OpenRoot(dir)
			if err != nil {
				return err
			}
			defer root.Close()
			u, err := ioscrypto.Unlock(safefile.FS(root), ioscrypto.Password(string(p)))
			if errors.Is(err, ioscrypto.ErrWrongPassword) {
				return fmt.Errorf("wrong password for the encrypted backup %s", dir)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(app.Stderr, "warning: this key decrypts the backup as the password does; keep it as safely as the password")
			if out == "" {
				fmt.Fprintln(app.Stdout, u.Key.Hex())
				return nil
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return fmt.Errorf("writing the key file (an existing file is never overwritten): %w", err)
			}
			if _, err := fmt.Fprintln(f, u.Key.Hex()); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(app.Stdout, "Key written to %s\n", out)
			return nil
		},
	}
	pw.register(cmd.Flags(), false)
	cmd.Flags().StringVarP(&out, "key-file", "k", "", "write the key to this file (created 0600) instead of printing it")
	return cmd
}

package cli

import (
	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// credentialFlags unlock an encrypted iOS backup: a password (see
// passwordFlags) or a key file written by extract-key.
type credentialFlags struct {
	password passwordFlags
	keyFile  string
}

func (c *credentialFlags) register(cmd *cobra.Command) {
	c.password.register(cmd.Flags(), false)
	cmd.Flags().StringVarP(&c.keyFile, "key-file", "k", "", "file holding the backup's derived key (64 hex characters, from extract-key)")
	cmd.MarkFlagsMutuallyExclusive("password", "key-file")
}

func openEncryptedIOSBackup(app *App, cred *credentialFlags, dir string) (source.IOS, func(), error) {
	return nil, nil, errEncryptedUnsupported
}

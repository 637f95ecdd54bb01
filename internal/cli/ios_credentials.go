package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
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

// credential returns the key from -k, or else the password from the usual
// sources. Deriving a key from a password is the slow part (two PBKDF2
// rounds, about ten million iterations), which is why extract-key exists.
func (c *credentialFlags) credential(app *App, dir string) (ioscrypto.Credential, error) {
	if c.keyFile != "" {
		b, err := safefile.ReadFile(c.keyFile)
		if err != nil {
			return ioscrypto.Credential{}, fmt.Errorf("reading the key file: %w", err)
		}
		k, err := ioscrypto.ParseKey(strings.TrimSpace(string(b)))
		if err != nil {
			return ioscrypto.Credential{}, fmt.Errorf("%s: %w", c.keyFile, err)
		}
		return ioscrypto.WithKey(k), nil
	}
	pw, err := c.password.get(app, "iOS backup "+dir, "SPYGLASS_IOS_BACKUP_PASSWORD", "MVT_IOS_BACKUP_PASSWORD")
	if err != nil {
		return ioscrypto.Credential{}, err
	}
	return ioscrypto.Password(string(pw)), nil
}

// openEncryptedIOSBackup opens an encrypted backup in place: decrypted
// files stay in memory or in private temporary files removed on close.
func openEncryptedIOSBackup(app *App, cred *credentialFlags, dir string) (source.IOS, func(), error) {
	c, err := cred.credential(app, dir)
	if err != nil {
		return nil, nil, err
	}
	b, err := source.OpenEncryptedIOSBackup(dir, c, source.EncryptedOptions{})
	if errors.Is(err, ioscrypto.ErrWrongPassword) {
		return nil, nil, fmt.Errorf("wrong password or key for the encrypted backup %s", dir)
	}
	if err != nil {
		return nil, nil, err
	}
	return b, func() { b.Close() }, nil
}

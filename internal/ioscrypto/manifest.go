package ioscrypto

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe"
)

// maxManifestPlist bounds Manifest.plist; real ones hold the app list and
// stay well under a few megabytes.
const maxManifestPlist = 64 << 20

// Manifest is what Manifest.plist says about a backup's encryption.
type Manifest struct {
	IsEncrypted    bool   `plist:"IsEncrypted"`
	BackupKeyBag   []byte `plist:"BackupKeyBag"`
	ManifestKey    []byte `plist:"ManifestKey"`
	ProductVersion string `plist:"-"`
}

type manifestPlist struct {
	IsEncrypted  bool   `plist:"IsEncrypted"`
	BackupKeyBag []byte `plist:"BackupKeyBag"`
	ManifestKey  []byte `plist:"ManifestKey"`
	Lockdown     struct {
		ProductVersion string `plist:"ProductVersion"`
	} `plist:"Lockdown"`
}

// ErrNotEncrypted means Manifest.plist says the backup is not encrypted.
var ErrNotEncrypted = errors.New("the backup is not encrypted")

// ReadManifest reads Manifest.plist from the backup folder fsys.
func ReadManifest(fsys fs.FS) (*Manifest, error) {
	f, err := fsys.Open("Manifest.plist")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestPlist+1))
	if err != nil {
		return nil, fmt.Errorf("Manifest.plist: %w", err)
	}
	if len(data) > maxManifestPlist {
		return nil, fmt.Errorf("Manifest.plist: larger than %d bytes", maxManifestPlist)
	}
	return ParseManifest(data)
}

// ParseManifest decodes the bytes of Manifest.plist (XML or binary).
func ParseManifest(data []byte) (*Manifest, error) {
	var p manifestPlist
	if err := plistsafe.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("Manifest.plist: %w", err)
	}
	return &Manifest{
		IsEncrypted:    p.IsEncrypted,
		BackupKeyBag:   p.BackupKeyBag,
		ManifestKey:    p.ManifestKey,
		ProductVersion: p.Lockdown.ProductVersion,
	}, nil
}

// Keybag parses the manifest's BackupKeyBag.
func (m *Manifest) Keybag() (*Keybag, error) {
	if !m.IsEncrypted {
		return nil, ErrNotEncrypted
	}
	if len(m.BackupKeyBag) == 0 {
		return nil, fmt.Errorf("Manifest.plist: %w: BackupKeyBag is missing", ErrKeybag)
	}
	kb, err := ParseKeybag(m.BackupKeyBag)
	if err != nil {
		return nil, fmt.Errorf("Manifest.plist: %w", err)
	}
	return kb, nil
}

// Credential is what the user supplied to unlock a backup: a password or a
// key derived earlier (extract-key, -k/--key-file).
type Credential struct {
	password string
	key      Key
	hasKey   bool
}

// Password makes a Credential from a password.
func Password(p string) Credential { return Credential{password: p} }

// WithKey makes a Credential from a derived key.
func WithKey(k Key) Credential { return Credential{key: k, hasKey: true} }

// Key returns the derived key, running the key derivation if the
// credential is a password.
func (c Credential) Key(kb *Keybag) (Key, error) {
	if c.hasKey {
		return c.key, nil
	}
	return DeriveKey(c.password, kb)
}

// Unlocked is a backup whose class keys are known.
type Unlocked struct {
	Manifest *Manifest
	Key      Key
	Classes  ClassKeys
}

// Unlock reads Manifest.plist from fsys and unlocks its keybag.
func Unlock(fsys fs.FS, cred Credential) (*Unlocked, error) {
	m, err := ReadManifest(fsys)
	if err != nil {
		return nil, err
	}
	kb, err := m.Keybag()
	if err != nil {
		return nil, err
	}
	k, err := cred.Key(kb)
	if err != nil {
		return nil, err
	}
	ck, err := kb.Unlock(k)
	if err != nil {
		return nil, err
	}
	return &Unlocked{Manifest: m, Key: k, Classes: ck}, nil
}

// maxManifestDB bounds the encrypted Manifest.db kept in memory. Real ones
// are tens of megabytes for phones with many apps.
const maxManifestDB int64 = 2 << 30

// ManifestDB reads and decrypts Manifest.db from fsys into memory.
func (u *Unlocked) ManifestDB(fsys fs.FS) ([]byte, error) {
	if len(u.Manifest.ManifestKey) == 0 {
		return nil, errors.New("Manifest.plist: ManifestKey is missing")
	}
	key, err := u.Classes.UnwrapClassKey(u.Manifest.ManifestKey)
	if err != nil {
		return nil, fmt.Errorf("Manifest.plist ManifestKey: %w", err)
	}
	f, err := fsys.Open("Manifest.db")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestDB+1))
	if err != nil {
		return nil, fmt.Errorf("Manifest.db: %w", err)
	}
	if int64(len(data)) > maxManifestDB {
		return nil, fmt.Errorf("Manifest.db: larger than %d bytes", maxManifestDB)
	}
	plain, err := DecryptManifestDB(key, data)
	if err != nil {
		return nil, err
	}
	if len(plain) < 16 || string(plain[:16]) != "SQLite format 3\x00" {
		return nil, errors.New("Manifest.db: decrypted data is not a SQLite database")
	}
	return plain, nil
}

// FileKey unwraps a file's EncryptionKey (4-byte class + wrapped key).
func (u *Unlocked) FileKey(encryptionKey []byte) ([]byte, error) {
	return u.Classes.UnwrapClassKey(encryptionKey)
}

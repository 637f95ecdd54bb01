// Package testbackup builds encrypted iTunes/Finder backups from plain ones,
// for tests only: spyglass itself never writes a backup. It uses small
// iteration counts so tests run fast, and it writes SQLite with the driver
// directly because what it writes is test output, not evidence.
package testbackup

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/nskeyed"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
	"howett.net/plist"

	_ "modernc.org/sqlite" // the "sqlite" driver, to write the test copy
)

// Options control the encrypted copy.
type Options struct {
	Password string
	Iter     uint32 // SALT round; devices use 10,000
	DPIC     uint32 // SHA-256 round; 0 makes a legacy keybag
	Seed     uint64 // makes keys and salts reproducible
	// ManifestClass is the protection class of ManifestKey (4 if 0).
	ManifestClass uint32
	// PadManifest adds PKCS#7 padding to Manifest.db, as Apple does; some
	// writers leave a page-aligned database unpadded.
	PadManifest bool
}

// Result describes what Build wrote.
type Result struct {
	Key ioscrypto.Key
	// Files maps each encrypted file's path ("3d/3d0d…") to its plaintext.
	Files map[string][]byte
}

// Build writes to dst an encrypted copy of the plain backup folder src:
// Manifest.plist with a fresh keybag, every file that has an EncryptionKey
// in Manifest.db encrypted with a new key (the blob keeps its bytes apart
// from the 40 wrapped-key bytes), Manifest.db encrypted, other root plists
// copied. scratch is a folder for the intermediate database.
func Build(src, dst, scratch string, o Options) (*Result, error) {
	rng := rand.New(rand.NewChaCha8(seed(o.Seed)))
	kbBytes, key, classKeys, err := makeKeybag(rng, o)
	if err != nil {
		return nil, err
	}

	dbPath := filepath.Join(scratch, "Manifest.db")
	if err := copyFile(filepath.Join(src, "Manifest.db"), dbPath); err != nil {
		return nil, err
	}
	res := &Result{Key: key, Files: map[string][]byte{}}
	if err := rekeyFiles(src, dst, dbPath, rng, classKeys, res); err != nil {
		return nil, err
	}
	plainDB, err := os.ReadFile(dbPath)
	if err != nil {
		return nil, err
	}
	mclass := o.ManifestClass
	if mclass == 0 {
		mclass = 4
	}
	mkey := random(rng, 32)
	wrapped, err := ioscrypto.WrapKey(classKeys[mclass], mkey)
	if err != nil {
		return nil, err
	}
	manifestKey := binary.LittleEndian.AppendUint32(nil, mclass)
	manifestKey = append(manifestKey, wrapped...)
	encDB := Encrypt(mkey, plainDB, o.PadManifest)
	if err := os.WriteFile(filepath.Join(dst, "Manifest.db"), encDB, 0o644); err != nil {
		return nil, err
	}
	mp, err := plist.Marshal(map[string]any{
		"BackupKeyBag": kbBytes, "ManifestKey": manifestKey, "IsEncrypted": true,
		"Version": "10.0", "Lockdown": map[string]any{"ProductVersion": "15.1"},
	}, plist.BinaryFormat)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dst, "Manifest.plist"), mp, 0o644); err != nil {
		return nil, err
	}
	for _, name := range []string{"Info.plist", "Status.plist"} {
		if err := copyFile(filepath.Join(src, name), filepath.Join(dst, name)); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	return res, nil
}

// rekeyFiles gives every keyed file a new key, rewrites its blob in the
// scratch database, and writes the encrypted file to dst.
func rekeyFiles(src, dst, dbPath string, rng *rand.Rand, classKeys map[uint32][]byte, res *Result) error {
	plain, err := sqlitedb.Open(os.DirFS(src), "Manifest.db")
	if err != nil {
		return err
	}
	defer plain.Close()
	rows, err := plain.Query(`SELECT fileID, file FROM Files ORDER BY fileID`)
	if err != nil {
		return err
	}
	defer rows.Close()
	w, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=journal_mode(DELETE)")
	if err != nil {
		return err
	}
	defer w.Close()
	tx, err := w.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for rows.Next() {
		var id string
		var blob []byte
		if err := rows.Scan(&id, &blob); err != nil {
			return err
		}
		mb, err := nskeyed.DecodeMBFile(blob)
		if err != nil || len(mb.EncryptionKey) != 44 {
			continue
		}
		class := binary.LittleEndian.Uint32(mb.EncryptionKey)
		fkey := random(rng, 32)
		wrapped, err := ioscrypto.WrapKey(classKeys[class], fkey)
		if err != nil {
			return fmt.Errorf("%s: class %d: %w", id, class, err)
		}
		newKey := append(binary.LittleEndian.AppendUint32(nil, class), wrapped...)
		newBlob := bytes.Replace(blob, mb.EncryptionKey, newKey, 1)
		if _, err := tx.Exec(`UPDATE Files SET file = ? WHERE fileID = ?`, newBlob, id); err != nil {
			return err
		}
		rel := id[:2] + "/" + id
		data, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			continue // the manifest lists it, the folder does not hold it
		}
		if err := os.MkdirAll(filepath.Join(dst, id[:2]), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, rel), Encrypt(fkey, data, true), 0o644); err != nil {
			return err
		}
		res.Files[rel] = data
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return tx.Commit()
}

// Encrypt is AES-256-CBC with a zero IV and, if pad, PKCS#7 padding.
func Encrypt(key, plain []byte, pad bool) []byte {
	out := bytes.Clone(plain)
	if pad {
		p := aes.BlockSize - len(out)%aes.BlockSize
		out = append(out, bytes.Repeat([]byte{byte(p)}, p)...)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err) // test helper: keys are always 32 bytes
	}
	cipher.NewCBCEncrypter(block, make([]byte, aes.BlockSize)).CryptBlocks(out, out)
	return out
}

// Keybag returns the TLV bytes of a keybag for o and the key its password
// derives to.
func Keybag(o Options) ([]byte, ioscrypto.Key, error) {
	kb, key, _, err := makeKeybag(rand.New(rand.NewChaCha8(seed(o.Seed))), o)
	return kb, key, err
}

// makeKeybag makes random class keys, wraps them with the password's key
// and encodes the keybag.
func makeKeybag(rng *rand.Rand, o Options) ([]byte, ioscrypto.Key, map[uint32][]byte, error) {
	kb := newKeybag(rng, o)
	key, err := ioscrypto.DeriveKey(o.Password, kb)
	if err != nil {
		return nil, key, nil, err
	}
	classKeys := map[uint32][]byte{}
	for i := range kb.Classes {
		c := &kb.Classes[i]
		ck := random(rng, 32)
		classKeys[c.Class] = ck
		if c.WrappedKey, err = ioscrypto.WrapKey(key[:], ck); err != nil {
			return nil, key, nil, err
		}
	}
	return encodeKeybag(kb, nil), key, classKeys, nil
}

func newKeybag(rng *rand.Rand, o Options) *ioscrypto.Keybag {
	kb := &ioscrypto.Keybag{Version: 5, Type: 1, UUID: random(rng, 16), HMCK: random(rng, 40),
		Salt: random(rng, 20), Iter: o.Iter, DPWT: 1}
	if o.DPIC != 0 {
		kb.DPIC, kb.DPSL = o.DPIC, random(rng, 20)
	}
	for c := uint32(11); c >= 1; c-- {
		wrap := uint32(2)
		if c == 11 || c == 10 || c == 9 || c == 5 {
			wrap = 3
		}
		kb.Classes = append(kb.Classes, ioscrypto.ClassKey{UUID: random(rng, 16), Class: c, Wrap: wrap})
	}
	return kb
}

// encodeKeybag writes the TLV form: header items, then a block per class.
func encodeKeybag(kb *ioscrypto.Keybag, buf []byte) []byte {
	item := func(tag string, v []byte) {
		buf = append(buf, tag...)
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)))
		buf = append(buf, v...)
	}
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	item("VERS", u32(kb.Version))
	item("TYPE", u32(kb.Type))
	item("UUID", kb.UUID)
	item("HMCK", kb.HMCK)
	item("WRAP", u32(0))
	item("SALT", kb.Salt)
	item("ITER", u32(kb.Iter))
	if kb.DPIC != 0 {
		item("DPWT", u32(kb.DPWT))
		item("DPIC", u32(kb.DPIC))
		item("DPSL", kb.DPSL)
	}
	for _, c := range kb.Classes {
		item("UUID", c.UUID)
		item("CLAS", u32(c.Class))
		item("WRAP", u32(c.Wrap))
		item("KTYP", u32(c.KeyType))
		item("WPKY", c.WrappedKey)
	}
	return buf
}

func random(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func seed(s uint64) [32]byte {
	var b [32]byte
	binary.LittleEndian.PutUint64(b[:], s)
	return b
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// Walk lists the regular files under dir (relative, slash-separated), for
// tests that check nothing was left behind.
func Walk(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

// ContainsAny reports which of the files under dir contain any of the
// needles (plaintext that must not be left on disk).
func ContainsAny(dir string, needles [][]byte) ([]string, error) {
	files, err := Walk(dir)
	if err != nil {
		return nil, err
	}
	var hits []string
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		for _, n := range needles {
			if len(n) >= 16 && bytes.Contains(data, n) {
				hits = append(hits, f)
				break
			}
		}
	}
	return hits, nil
}

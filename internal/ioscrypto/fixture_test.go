package ioscrypto

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"testing"
)

// The synthetic encrypted backup from pyiosbackup's tests (password 0000,
// production iteration counts), checked against what SOURCE.md records.
func TestPyiosbackupFixture(t *testing.T) {
	dir := sharedFixture(t, "pyiosbackup-synthetic")
	if testing.Short() {
		t.Skip("-short: this backup needs the full 10-million-iteration derivation")
	}
	fsys := os.DirFS(dir)
	u, err := Unlock(fsys, Password("0000"))
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Classes) != 11 {
		t.Errorf("%d class keys, want 11", len(u.Classes))
	}
	for c, k := range u.Classes {
		if !bytes.Equal(k, make([]byte, 32)) {
			t.Errorf("class %d key %x, want zeros", c, k)
		}
	}
	db, err := u.ManifestDB(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(db)
	if len(db) != 8192 || hex.EncodeToString(s[:]) != "905647be84ba9e377499a6bbecfeb61e6a949b0188f36bcba4ed2fccde58efd7" {
		t.Errorf("Manifest.db: %d bytes, sha256 %x", len(db), s)
	}
	files, err := ReadFiles(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 {
		t.Fatalf("%d rows, want 1", len(files))
	}
	f := files[0]
	if f.FileID != "5727bd1c5fa1055e15d8b4a75a74793c84b5ffdc" || f.Domain != "MyTestDomain" ||
		f.RelativePath != "Media/Test.txt" || f.Flags.Int64 != 0 || f.MetaErr != nil {
		t.Fatalf("row %+v", f)
	}
	m := f.Meta
	if m.Size != 9 || m.Mode != 33261 || m.UserID != 501 || m.GroupID != 501 || m.LastModified != 1628082463 ||
		m.LastStatusChange != 1628082509 || m.Birth != 1627974948 || len(m.EncryptionKey) != 44 || m.EncryptionKey[0] != 2 {
		t.Errorf("MBFile %+v", m)
	}
	key, err := u.FileKey(m.EncryptionKey)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := os.ReadFile(dir + "/57/5727bd1c5fa1055e15d8b4a75a74793c84b5ffdc")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := DecryptFile(key, enc)
	if err != nil || string(plain) != "Test data" {
		t.Errorf("file = %q, %v", plain, err)
	}

	// The key derived here unlocks the backup again, instantly.
	k2, err := ParseKey(u.Key.Hex())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Unlock(fsys, WithKey(k2)); err != nil {
		t.Errorf("unlock with derived key: %v", err)
	}
	bad := u.Key
	bad[0] ^= 1
	if _, err := Unlock(fsys, WithKey(bad)); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong key: %v", err)
	}
}

// Password 0001 must be rejected by the unwrap integrity check (MVT also
// refuses it). Slow: 10 million iterations.
func TestPyiosbackupWrongPassword(t *testing.T) {
	dir := sharedFixture(t, "pyiosbackup-synthetic")
	if testing.Short() {
		t.Skip("-short: needs the full derivation")
	}
	_, err := Unlock(os.DirFS(dir), Password("0001"))
	if !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("err = %v, want ErrWrongPassword", err)
	}
}

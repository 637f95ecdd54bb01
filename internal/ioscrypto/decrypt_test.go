package ioscrypto_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto/testbackup"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

const plainFixture = "../ios/testdata/ios_backup"

// encryptedFixture builds an encrypted copy of MVT's plain fixture backup.
func encryptedFixture(t *testing.T, o testbackup.Options) (string, *testbackup.Result) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(plainFixture, "Manifest.db")); err != nil {
		t.Skipf("fixture %s is absent: %v", plainFixture, err)
	}
	dir := t.TempDir()
	res, err := testbackup.Build(plainFixture, dir, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

type row struct {
	ID, Domain, Rel string
	Flags           int64
}

func manifestRows(t *testing.T, dir string) []row {
	t.Helper()
	db, err := sqlitedb.Open(os.DirFS(dir), "Manifest.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(`SELECT fileID, domain, relativePath, flags FROM Files ORDER BY fileID`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.ID, &r.Domain, &r.Rel, &r.Flags); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestDecryptBackupRoundTrip(t *testing.T) {
	src, built := encryptedFixture(t, testbackup.Options{Password: "s3cret", Iter: 10, DPIC: 10, Seed: 1, PadManifest: true})
	if len(built.Files) != 10 {
		t.Fatalf("writer encrypted %d files, want the fixture's 10 (e794… is not in its manifest)", len(built.Files))
	}
	dest := filepath.Join(t.TempDir(), "out")
	res, err := ioscrypto.DecryptBackup(context.Background(), src, dest, ioscrypto.Password("s3cret"),
		ioscrypto.DecryptOptions{Hashes: true, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 10 || len(res.Failed) != 0 {
		t.Fatalf("decrypted %d files, failures %v", res.Files, res.Failed)
	}
	// Every file is byte-identical to the plain fixture, not truncated to
	// the Size field (sms.db's says 278528, the file holds 28672 bytes).
	for rel := range built.Files {
		want, _ := os.ReadFile(filepath.Join(plainFixture, rel))
		got, err := os.ReadFile(filepath.Join(dest, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, want %d (%v)", rel, len(got), len(want), err)
		}
		fi, _ := os.Stat(filepath.Join(dest, rel))
		if fi != nil && fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", rel, fi.Mode())
		}
	}
	// Manifest.db rows are the plain ones (only the wrapped keys inside
	// the file blobs differ).
	plainRows, gotRows := manifestRows(t, plainFixture), manifestRows(t, dest)
	if len(plainRows) != 3721 || len(gotRows) != len(plainRows) {
		t.Fatalf("%d rows, want %d (fixture 3721)", len(gotRows), len(plainRows))
	}
	for i := range plainRows {
		if plainRows[i] != gotRows[i] {
			t.Fatalf("row %d: %+v, want %+v", i, gotRows[i], plainRows[i])
		}
	}
	for _, name := range []string{"Info.plist", "Manifest.plist"} {
		if _, err := os.Stat(filepath.Join(dest, name)); err != nil {
			t.Errorf("%s not copied: %v", name, err)
		}
	}
	// -H: 1 Manifest.db + 2 plists + 10 files, each hash matching the bytes.
	if len(res.Hashes.Encrypted) != 13 || len(res.Hashes.Decrypted) != 13 {
		t.Fatalf("%d/%d hashes, want 13/13", len(res.Hashes.Encrypted), len(res.Hashes.Decrypted))
	}
	for _, h := range append(res.Hashes.Encrypted, res.Hashes.Decrypted...) {
		data, err := os.ReadFile(h.FilePath)
		s := sha256.Sum256(data)
		if err != nil || hex.EncodeToString(s[:]) != h.SHA256 {
			t.Errorf("hash of %s does not match (%v)", h.FilePath, err)
		}
	}
	if !sort.SliceIsSorted(res.Hashes.Decrypted, func(i, j int) bool {
		return res.Hashes.Decrypted[i].FilePath < res.Hashes.Decrypted[j].FilePath
	}) {
		t.Error("hashes not sorted")
	}
	// A second run never overwrites what is there.
	if _, err := ioscrypto.DecryptBackup(context.Background(), src, dest, ioscrypto.Password("s3cret"), ioscrypto.DecryptOptions{}); err == nil {
		t.Error("second run into the same folder succeeded")
	}
}

func TestDecryptBackupRefusals(t *testing.T) {
	src, built := encryptedFixture(t, testbackup.Options{Password: "pw", Iter: 5, DPIC: 5, Seed: 2})
	ctx := context.Background()
	if _, err := ioscrypto.DecryptBackup(ctx, src, filepath.Join(src, "out"), ioscrypto.WithKey(built.Key), ioscrypto.DecryptOptions{}); !errors.Is(err, ioscrypto.ErrDestInsideSource) {
		t.Errorf("dest inside source: %v", err)
	}
	if _, err := ioscrypto.DecryptBackup(ctx, src, src, ioscrypto.WithKey(built.Key), ioscrypto.DecryptOptions{}); !errors.Is(err, ioscrypto.ErrDestInsideSource) {
		t.Errorf("dest = source: %v", err)
	}
	// Through a symbolic link to the source.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(src, link); err == nil {
		if _, err := ioscrypto.DecryptBackup(ctx, src, filepath.Join(link, "a", "b"), ioscrypto.WithKey(built.Key), ioscrypto.DecryptOptions{}); !errors.Is(err, ioscrypto.ErrDestInsideSource) {
			t.Errorf("dest inside source through a link: %v", err)
		}
	}
	dest := filepath.Join(t.TempDir(), "out")
	_, err := ioscrypto.DecryptBackup(ctx, src, dest, ioscrypto.Password("wrong"), ioscrypto.DecryptOptions{})
	if !errors.Is(err, ioscrypto.ErrWrongPassword) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("wrong password created %s", dest)
	}
	files, _ := testbackup.Walk(src)
	if len(files) != 10+3 {
		t.Errorf("source folder now holds %d files: %v", len(files), files)
	}
}

// A truncated file is reported, not written, and the rest is decrypted.
func TestDecryptBackupDamagedFile(t *testing.T) {
	src, built := encryptedFixture(t, testbackup.Options{Password: "pw", Iter: 5, DPIC: 5, Seed: 3})
	victim := filepath.Join(src, "3d", "3d0d7e5fb2ce288813306e4d4636395e047a3d28")
	data, _ := os.ReadFile(victim)
	if err := os.WriteFile(victim, data[:len(data)-16], 0o644); err != nil {
		t.Fatal(err)
	}
	// A file replaced by a symbolic link to something outside is refused.
	link := filepath.Join(src, "0d", "0d609c54856a9bb2d56729df1d68f2958a88426b")
	os.Remove(link)
	if err := os.Symlink("/etc/passwd", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	dest := t.TempDir()
	res, err := ioscrypto.DecryptBackup(context.Background(), src, dest, ioscrypto.WithKey(built.Key), ioscrypto.DecryptOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 8 || len(res.Failed) != 2 || !errors.Is(res.Failed[1], ioscrypto.ErrBadPadding) {
		t.Fatalf("files %d, failed %v", res.Files, res.Failed)
	}
	if !strings.Contains(res.Failed[0].Error(), "not a regular file") {
		t.Errorf("symbolic link: %v", res.Failed[0])
	}
	if _, err := os.Stat(filepath.Join(dest, "3d", "3d0d7e5fb2ce288813306e4d4636395e047a3d28")); !os.IsNotExist(err) {
		t.Errorf("damaged file was written: %v", err)
	}
}

package source

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto"
	"github.com/spyglass-forensics/spyglass/internal/ioscrypto/testbackup"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

const (
	plainBackupFixture = "../ios/testdata/ios_backup"
	encryptedFixtures  = "../../../shared/fixtures/ios-encrypted"
)

// encryptedCopy writes an encrypted copy of MVT's plain fixture backup.
func encryptedCopy(t *testing.T, seed uint64) (string, *testbackup.Result) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(plainBackupFixture, "Manifest.db")); err != nil {
		t.Skipf("fixture %s is absent: %v", plainBackupFixture, err)
	}
	dir := t.TempDir()
	res, err := testbackup.Build(plainBackupFixture, dir, t.TempDir(),
		testbackup.Options{Password: "correct horse", Iter: 10, DPIC: 10, Seed: seed, PadManifest: seed%2 == 0})
	if err != nil {
		t.Fatal(err)
	}
	return dir, res
}

// snapshot records every file under dir with its hash, to prove a run left
// the folder as it was.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	out := map[string][32]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = sha256.Sum256(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The encrypted copy reads exactly like the plain backup: same Find
// answers, same bytes and sizes for every file, same databases, whether
// files are decrypted in memory or spilled to the temporary folder.
func TestEncryptedBackupMatchesPlain(t *testing.T) {
	dir, built := encryptedCopy(t, 1)
	plain, err := OpenIOSBackup(plainBackupFixture)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	for _, limit := range []int64{0, 1024} { // default: all in memory; 1 KiB: spill
		t.Run(map[int64]string{0: "memory", 1024: "spill"}[limit], func(t *testing.T) {
			tmp := t.TempDir()
			before := snapshot(t, dir)
			enc, err := OpenEncryptedIOSBackup(dir, ioscrypto.Password("correct horse"),
				EncryptedOptions{MemoryLimit: limit, TempDir: tmp})
			if err != nil {
				t.Fatal(err)
			}
			if enc.Key() != built.Key {
				t.Error("derived key differs from the writer's")
			}
			if diff := cmp.Diff(plain.Files(), enc.Files()); diff != "" {
				t.Fatalf("manifest entries differ (-plain +encrypted):\n%s", diff)
			}
			if n := len(enc.Files()); n != 1089 {
				t.Errorf("%d manifest file entries, want 1089 (flags = 1 in the fixture)", n)
			}
			queries := []IOSQuery{
				{DomainPaths: []string{"HomeDomain-Library/SMS/sms.db"}},
				{RelativePaths: []string{"Library/SMS/sms.db"}},
				{RelativePaths: []string{"*.sqlite", "Library/*/*.db", "*Safari*"}},
				{RelativePaths: []string{"*"}},
				{DomainPaths: []string{"nodash", "HomeDomain-does/not/exist"}},
			}
			var all IOSQuery
			for _, f := range plain.Files() {
				all.DomainPaths = append(all.DomainPaths, f.Domain+"-"+f.RelativePath)
			}
			queries = append(queries, all)
			for i, q := range queries {
				pw, _ := plain.Find(q)
				ew, err := enc.Find(q)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(pw, ew); diff != "" {
					t.Errorf("query %d differs (-plain +encrypted):\n%s", i, diff)
				}
			}
			found, _ := enc.Find(all)
			if len(found) != 10 {
				t.Errorf("Find(all) = %d files, want the 10 present in the folder", len(found))
			}
			var wg sync.WaitGroup
			for _, f := range found {
				wg.Go(func() { compareFile(t, plain, enc, f.Path) })
			}
			wg.Wait()
			compareSMS(t, plain, enc)

			if limit > 0 {
				// While a spilled file is open its plaintext has no name.
				f, err := enc.FS().Open("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28")
				if err != nil {
					t.Fatal(err)
				}
				tf, ok := f.(*tempFile)
				if !ok {
					t.Fatalf("sms.db (28 KiB, limit 1 KiB) was not spilled: %T", f)
				}
				if fi, err := tf.File.Stat(); err != nil || fi.Mode().Perm() != 0o600 {
					t.Errorf("spilled file mode %v (%v), want 0600", fi.Mode(), err)
				}
				if d := enc.TempDir(); d == "" || !strings.HasPrefix(d, tmp) {
					t.Errorf("temporary folder %q not under %s", d, tmp)
				} else {
					fi, _ := os.Stat(d)
					if fi.Mode().Perm() != 0o700 {
						t.Errorf("temporary folder mode %v", fi.Mode())
					}
					if names, _ := testbackup.Walk(d); len(names) != 0 {
						t.Errorf("plaintext files with names in %s: %v", d, names)
					}
				}
				f.Close()
			}
			if err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
				t.Errorf("left in the temporary folder: %v", entries)
			}
			if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("evidence folder changed:\n%s", diff)
			}
			var needles [][]byte
			for _, data := range built.Files {
				if len(data) >= 4096 {
					needles = append(needles, data[len(data)/2:len(data)/2+64])
				}
			}
			for _, d := range []string{dir, tmp} {
				if hits, err := testbackup.ContainsAny(d, needles); err != nil || len(hits) > 0 {
					t.Errorf("plaintext found under %s: %v %v", d, hits, err)
				}
			}
			if _, err := enc.FS().Open("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"); limit > 0 && err == nil {
				t.Error("a file was spilled after Close")
			}
		})
	}
}

func compareFile(t *testing.T, plain *IOSBackup, enc *EncryptedIOSBackup, name string) {
	want, err := fs.ReadFile(plain.FS(), name)
	if err != nil {
		t.Error(err)
		return
	}
	got, err := fs.ReadFile(enc.FS(), name)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes, want %d (%v)", name, len(got), len(want), err)
	}
	fi, err := fs.Stat(enc.FS(), name)
	if err != nil || fi.Size() != int64(len(want)) {
		t.Errorf("Stat(%s) size %v, want %d (%v)", name, fi, len(want), err)
	}
	f, err := enc.FS().Open(name)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	fi2, _ := f.Stat()
	if fi2.Size() != int64(len(want)) || fi2.ModTime() != fi.ModTime() {
		t.Errorf("open file Stat(%s) = %d %v, want %d %v", name, fi2.Size(), fi2.ModTime(), len(want), fi.ModTime())
	}
	if _, ok := f.(io.Seeker); !ok {
		t.Errorf("%s: not seekable, SQLite cannot open it", name)
	}
}

// sms.db opens through internal/sqlitedb from the decrypted view and holds
// the same rows as the plain one.
func compareSMS(t *testing.T, plain *IOSBackup, enc *EncryptedIOSBackup) {
	rows := func(fsys fs.FS) []string {
		db, err := sqlitedb.Open(fsys, "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rs, err := db.Query(`SELECT ROWID, COALESCE(text, '') FROM message ORDER BY ROWID`)
		if err != nil {
			t.Fatal(err)
		}
		defer rs.Close()
		var out []string
		for rs.Next() {
			var id int
			var text string
			if err := rs.Scan(&id, &text); err != nil {
				t.Fatal(err)
			}
			out = append(out, text)
		}
		return out
	}
	want, got := rows(plain.FS()), rows(enc.FS())
	if len(want) == 0 || !cmp.Equal(want, got) {
		t.Errorf("sms.db messages: %d, want %d", len(got), len(want))
	}
}

func TestEncryptedBackupOpenRules(t *testing.T) {
	dir, built := encryptedCopy(t, 2)
	_, err := OpenEncryptedIOSBackup(dir, ioscrypto.Password("Correct horse"), EncryptedOptions{TempDir: t.TempDir()})
	if !errors.Is(err, ioscrypto.ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := OpenEncryptedIOSBackup(dir, ioscrypto.WithKey(built.Key), EncryptedOptions{TempDir: filepath.Join(dir, "x")}); err == nil {
		t.Error("a temporary folder inside the evidence was accepted")
	}
	enc, err := OpenEncryptedIOSBackup(dir, ioscrypto.WithKey(built.Key), EncryptedOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	fsys := enc.FS()
	// Manifest.db reads decrypted, Info.plist as it is.
	db, err := fs.ReadFile(fsys, "Manifest.db")
	if err != nil || !bytes.HasPrefix(db, []byte("SQLite format 3\x00")) {
		t.Errorf("Manifest.db: %v", err)
	}
	info, _ := os.ReadFile(filepath.Join(plainBackupFixture, "Info.plist"))
	if got, err := fs.ReadFile(fsys, "Info.plist"); err != nil || !bytes.Equal(got, info) {
		t.Errorf("Info.plist: %v", err)
	}
	for _, name := range []string{"../x", "/etc/passwd", "3d/../../x"} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", name, err)
		}
	}
	// A file in the folder with no key in the manifest is not handed out
	// as ciphertext.
	stray := "e7/e794f6ffcc3c222535f47684a63d5178da3c4500"
	if err := os.MkdirAll(filepath.Join(dir, "e7"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, stray), make([]byte, 32), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Open(stray); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stray file: %v", err)
	}
	// A truncated file is an error naming it, never garbage.
	sms := "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"
	data, _ := os.ReadFile(filepath.Join(dir, sms))
	if err := os.WriteFile(filepath.Join(dir, sms), data[:len(data)-8], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = fsys.Open(sms)
	if !errors.Is(err, ioscrypto.ErrBadPadding) || !strings.Contains(err.Error(), "Library/SMS/sms.db") {
		t.Errorf("truncated sms.db: %v", err)
	}
	if _, err := fs.Stat(fsys, sms); !errors.Is(err, ioscrypto.ErrBadPadding) {
		t.Errorf("Stat truncated sms.db: %v", err)
	}
	// The cleanup is idempotent and safe concurrently.
	c := enc.Cleanup()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(c)
	}
	wg.Wait()
}

// The backup another implementation encrypted (pyiosbackup, password
// 0000): its one file reads "Test data", from the padding, not from the
// Size field.
func TestEncryptedBackupPyiosbackup(t *testing.T) {
	dir := filepath.Join(encryptedFixtures, "pyiosbackup-synthetic")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("fixture %s is absent (kept outside the repository for its licence): %v", dir, err)
	}
	if testing.Short() {
		t.Skip("-short: needs the 10-million-iteration derivation")
	}
	enc, err := OpenEncryptedIOSBackup(dir, ioscrypto.Password("0000"), EncryptedOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	// flags is 0, so like a plain backup Find does not list it…
	if got, _ := enc.Find(IOSQuery{RelativePaths: []string{"Media/Test.txt"}}); len(got) != 0 {
		t.Errorf("Find = %v", got)
	}
	// …but it can be read by name.
	got, err := fs.ReadFile(enc.FS(), "57/5727bd1c5fa1055e15d8b4a75a74793c84b5ffdc")
	if err != nil || string(got) != "Test data" {
		t.Errorf("file = %q, %v", got, err)
	}
	entries, err := fs.ReadDir(enc.FS(), ".")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if err != nil || strings.Join(names, ",") != "57,Info.plist,Manifest.db,Manifest.plist,Status.plist" {
		t.Errorf("root listing %v, %v", names, err)
	}
}

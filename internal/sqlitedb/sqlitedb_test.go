package sqlitedb

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// makeWALDB writes name in dir as a WAL-mode database whose last rows are
// committed to the WAL but not checkpointed: the writer stays open while the
// files are copied to out, as when a phone is imaged while the app runs.
func makeWALDB(t testing.TB, out, name string, stmts ...string) {
	t.Helper()
	work := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(work, name)+"?_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, n := range []string{name, name + "-wal"} {
		b, err := os.ReadFile(filepath.Join(work, n))
		if err != nil {
			t.Fatal(err)
		}
		if n == name+"-wal" && len(b) == 0 {
			t.Fatal("the WAL is empty: the test would not exercise WAL reading")
		}
		if err := os.WriteFile(filepath.Join(out, n), b, 0o444); err != nil {
			t.Fatal(err)
		}
	}
}

// hashDir maps every file name in dir to its SHA-256.
func hashDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = hex.EncodeToString(s[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOpenReadsWALAndLeavesEvidenceAlone(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "sms.db",
		"CREATE TABLE message (text TEXT)",
		"INSERT INTO message VALUES ('checkpointed')",
		"PRAGMA wal_checkpoint(TRUNCATE)",
		"INSERT INTO message VALUES ('only in the wal 1')",
		"INSERT INTO message VALUES ('only in the wal 2')",
		"CREATE TABLE later (x)",
	)
	before := hashDir(t, dir)

	for i := 0; i < 2; i++ { // twice: the first close must not have changed anything
		db, err := Open(os.DirFS(dir), "sms.db")
		if err != nil {
			t.Fatal(err)
		}
		if !db.WAL {
			t.Error("WAL not detected")
		}
		rows, err := db.Query("SELECT text FROM message ORDER BY rowid")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		rows.Close()
		want := "checkpointed|only in the wal 1|only in the wal 2"
		if strings.Join(got, "|") != want {
			t.Errorf("rows = %q, want %q", got, want)
		}
		tables, err := Tables(db)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(tables, ",") != "later,message" {
			t.Errorf("tables = %v", tables)
		}
		if _, err := db.Exec("INSERT INTO message VALUES ('x')"); err == nil {
			t.Error("a write succeeded on evidence")
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}

	after := hashDir(t, dir)
	if strings.Join(names(after), ",") != "sms.db,sms.db-wal" {
		t.Errorf("files after = %v, want exactly sms.db and sms.db-wal", names(after))
	}
	for n, h := range before {
		if after[n] != h {
			t.Errorf("%s changed: %s -> %s", n, h, after[n])
		}
	}
}

// TestOpenIgnoresFramesAfterLastCommit truncates the WAL inside the last
// transaction: the rows of that transaction must not appear, the earlier
// committed ones must.
func TestOpenIgnoresUncommittedFrames(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "a.db",
		"CREATE TABLE t (v TEXT)",
		"INSERT INTO t VALUES ('committed')",
		"BEGIN",
		"INSERT INTO t SELECT hex(randomblob(3000)) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 20) SELECT x FROM c)",
		"COMMIT",
	)
	wal, err := os.ReadFile(filepath.Join(dir, "a.db-wal"))
	if err != nil {
		t.Fatal(err)
	}
	// Drop the last frame (the commit frame of the big transaction).
	pageSize := int(uint32(wal[8])<<24 | uint32(wal[9])<<16 | uint32(wal[10])<<8 | uint32(wal[11]))
	frame := 24 + pageSize
	cut := len(wal) - frame
	fsys := fstest.MapFS{}
	dbBytes, _ := os.ReadFile(filepath.Join(dir, "a.db"))
	fsys["a.db"] = &fstest.MapFile{Data: dbBytes}
	fsys["a.db-wal"] = &fstest.MapFile{Data: wal[:cut]}
	db, err := Open(fsys, "a.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("rows = %d, want 1 (the uncommitted transaction must be ignored)", n)
	}
}

func TestOpenWithWALUnderOtherName(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "x.db", "CREATE TABLE t (v)", "INSERT INTO t VALUES (42)")
	// Rename as an iOS backup stores them: unrelated file IDs.
	if err := os.Rename(filepath.Join(dir, "x.db"), filepath.Join(dir, "aa")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "x.db-wal"), filepath.Join(dir, "bb")); err != nil {
		t.Fatal(err)
	}
	db, err := OpenWithWAL(os.DirFS(dir), "aa", "bb")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("SELECT v FROM t").Scan(&v); err != nil || v != 42 {
		t.Fatalf("v = %d, %v", v, err)
	}
	// Without the WAL the table does not exist yet.
	db2, err := OpenWithWAL(os.DirFS(dir), "aa", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if err := db2.QueryRow("SELECT v FROM t").Scan(&v); err == nil {
		t.Error("table visible without the WAL: the test does not exercise the WAL")
	}
}

func TestOpenErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"garbage.db": {Data: []byte("this is not a database at all, just text padding padding padding")},
		"empty.db":   {Data: nil},
		"dir.db":     {Mode: os.ModeDir},
	}
	for _, name := range []string{"garbage.db", "missing.db", "dir.db", "../escape.db"} {
		if db, err := Open(fsys, name); err == nil {
			db.Close()
			t.Errorf("%s: no error", name)
		} else if !strings.Contains(err.Error(), strings.TrimPrefix(name, "../")) {
			t.Errorf("%s: error does not name the file: %v", name, err)
		}
	}
}

func TestSchemaPick(t *testing.T) {
	dir := t.TempDir()
	makeWALDB(t, dir, "s.db", "CREATE TABLE access (service, client, auth_value)", "CREATE TABLE admin (key)")
	db, err := Open(os.DirFS(dir), "s.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		variants []Variant
		want     string
		err      string
	}{
		{[]Variant{{"v3", []string{"access.auth_value"}}, {"v2", []string{"access.allowed"}}}, "v3", ""},
		{[]Variant{{"v2", []string{"access.allowed"}}, {"v1", []string{"ACCESS.Client"}}}, "v1", ""},
		{[]Variant{{"other", []string{"message"}}}, "", "unknown schema: tables found: access, admin"},
	}
	for _, tt := range tests {
		v, err := PickVariant(db, tt.variants...)
		if tt.err != "" {
			if !errors.Is(err, ErrUnknownSchema) || err.Error() != tt.err {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
			continue
		}
		if err != nil || v.Name != tt.want {
			t.Errorf("got %q, %v; want %q", v.Name, err, tt.want)
		}
	}
}

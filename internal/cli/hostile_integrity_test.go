package cli

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/spyglass-forensics/spyglass/internal/source"
)

// evidenceTime is the modification time given to every file of a test's
// evidence, so that any write (even one that rewrites the same bytes) shows.
var evidenceTime = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// ageTree sets every modification time under root to evidenceTime, folders
// after their content.
func ageTree(t *testing.T, root string) {
	t.Helper()
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type()&fs.ModeSymlink == 0 {
			paths = append(paths, p)
		}
		return nil
	})
	// Deepest first: touching a child changes its folder's time.
	sort.Slice(paths, func(i, j int) bool { return len(paths[i]) > len(paths[j]) })
	for _, p := range paths {
		if err := os.Chtimes(p, evidenceTime, evidenceTime); err != nil {
			t.Fatal(err)
		}
	}
}

// zipFolder writes the files of dir into a new zip at dst.
func zipFolder(t *testing.T, dir, dst string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeAll(t, dst, buf.Bytes())
}

// intrusionLogExport writes a small intrusion-log export (the format Android
// 16 writes: one {"<type>": {...}} object per line).
func intrusionLogExport(t *testing.T, dir string) {
	t.Helper()
	writeAll(t, filepath.Join(dir, "2025-06-19.txt"), []byte(strings.Join([]string{
		`{"dns_event":{"event_time":1750352400000,"hostname":"news.example.net","ip_addresses":["/203.0.113.7"],"package_name":"com.android.chrome","total_resolved_address_count":1}}`,
		`{"connect_event":{"event_time":1750352401000,"ip_address":"news.example.net/203.0.113.7","port":443,"package_name":"com.android.chrome"}}`,
		`{"security_event":{"event_time":1750352402000000000,"cert_authority_installed":{"success":true,"subject":"CN=Totally Legit CA","user_id":0}}}`,
	}, "\n")+"\n"))
}

// walDump lays out a filesystem dump whose TCC.db is in WAL mode with one
// committed row still in TCC.db-wal (as on a live phone), plus a stale
// -shm, and returns the number of TCC rows.
func walDump(t *testing.T, dump string) int {
	t.Helper()
	id := source.FileID("HomeDomain", "Library/TCC/TCC.db")
	work := filepath.Join(t.TempDir(), "TCC.db")
	b, err := os.ReadFile(filepath.Join(iosBackupFixture, id[:2], id))
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, work, b)
	db, err := sql.Open("sqlite", "file:"+work)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var rows int
	for _, q := range []string{
		`PRAGMA journal_mode=WAL`, `PRAGMA wal_autocheckpoint=0`,
		`CREATE TEMP TABLE x AS SELECT * FROM access LIMIT 1`,
		`UPDATE x SET client = 'com.example.walonly'`,
		`INSERT INTO access SELECT * FROM x`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := db.QueryRow(`SELECT count(*) FROM access`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	// Copy while the connection is open: closing it would checkpoint and
	// remove the WAL.
	dst := filepath.Join(dump, "private/var/mobile/Library/TCC/TCC.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		b, err := os.ReadFile(work + suffix)
		if err != nil {
			t.Fatal(err)
		}
		writeAll(t, dst+suffix, b)
	}
	if st, _ := os.Stat(dst + "-wal"); st == nil || st.Size() == 0 {
		t.Fatal("no WAL content to read")
	}
	return rows
}

// ageEncrypt encrypts src to dst for a new identity and returns the identity
// file.
func ageEncrypt(t *testing.T, src, dst string) string {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	writeAll(t, dst, buf.Bytes())
	idFile := filepath.Join(t.TempDir(), "identity.txt")
	writeAll(t, idFile, []byte(id.String()+"\n"))
	return idFile
}

// integrityCase is one command on one form of evidence.
type integrityCase struct {
	name string
	// setup writes the evidence under dir and returns the command line
	// (without -o) and the folder that must stay unchanged.
	setup func(t *testing.T, dir string) (args []string, evidence string)
	// check, if set, looks at the results.
	check func(t *testing.T, out string)
	// noOutput marks commands that take no -o.
	noOutput bool
}

// TestHostileEvidenceIntegrity runs every command on every form of evidence
// and proves the evidence unchanged afterwards: same bytes, same
// modification times, no file added or removed (no -wal, -shm, -journal).
func TestHostileEvidenceIntegrity(t *testing.T) {
	iocs := []string{"--no-default-iocs", "-i", testIndicators}
	aiocs := []string{"--no-default-iocs", "-i", aqfIndicators}
	pwFile := "testdata/password-123456.txt"
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	cases := []integrityCase{{
		name: "ios check-backup plain",
		setup: func(t *testing.T, dir string) ([]string, string) {
			cp := copyTree(t, iosBackupFixture)
			return append([]string{"ios", "check-backup", "-H"}, append(iocs, cp)...), cp
		},
	}, {
		name: "ios check-backup encrypted",
		setup: func(t *testing.T, dir string) ([]string, string) {
			enc := encryptedFixture(t)
			return append([]string{"ios", "check-backup", "-H", "--password-file", writeSecret(t, "correct horse")}, append(iocs, enc)...), enc
		},
	}, {
		name: "ios check-fs with a live WAL",
		setup: func(t *testing.T, dir string) ([]string, string) {
			dump := filepath.Join(dir, "dump")
			if rows := walDump(t, dump); rows != 12 {
				t.Fatalf("the WAL copy of TCC.db has %d rows, want 12", rows)
			}
			return append([]string{"ios", "check-fs", "-H"}, append(iocs, dump)...), dump
		},
		check: func(t *testing.T, out string) {
			// 11 rows in the database, one more committed in the WAL.
			if n := countRecords(t, out, "tcc"); n != 12 {
				t.Errorf("tcc: %d records, want 12 (the WAL row must be read)", n)
			}
		},
	}, {
		name:     "ios decrypt-backup",
		noOutput: true,
		setup: func(t *testing.T, dir string) ([]string, string) {
			enc := encryptedFixture(t)
			return []string{"ios", "decrypt-backup", "-H", "--password-file", writeSecret(t, "correct horse"),
				"-d", filepath.Join(dir, "decrypted"), enc}, enc
		},
	}, {
		name:     "ios extract-key",
		noOutput: true,
		setup: func(t *testing.T, dir string) ([]string, string) {
			enc := encryptedFixture(t)
			return []string{"ios", "extract-key", "--password-file", writeSecret(t, "correct horse"),
				"-k", filepath.Join(dir, "key"), enc}, enc
		},
	}, {
		name: "android check-androidqf folder",
		setup: func(t *testing.T, dir string) ([]string, string) {
			cp := copyTree(t, aqfFolder)
			return append([]string{"android", "check-androidqf", "-H", "-n"}, append(aiocs, cp)...), cp
		},
	}, {
		name: "android check-androidqf zip",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			writeAll(t, filepath.Join(ev, "androidqf.zip"), mustRead(t, aqfZip))
			return append([]string{"android", "check-androidqf", "-H", "-n"}, append(aiocs, filepath.Join(ev, "androidqf.zip"))...), ev
		},
	}, {
		name: "android check-androidqf zip with bugreport, backup and intrusion logs",
		setup: func(t *testing.T, dir string) ([]string, string) {
			acq := copyTree(t, aqfFolder)
			zipFolder(t, abs(bugreportFolder), filepath.Join(acq, "bugreport.zip"))
			intrusionLogExport(t, filepath.Join(acq, "intrusion_logs"))
			ev := filepath.Join(dir, "ev")
			zipFolder(t, acq, filepath.Join(ev, "acq.zip"))
			return append([]string{"android", "check-androidqf", "-H", "-n"}, append(aiocs, filepath.Join(ev, "acq.zip"))...), ev
		},
		check: func(t *testing.T, out string) {
			for _, slug := range []string{"tombstones", "sms", "dns_event"} {
				if countRecords(t, out, slug) == 0 {
					t.Errorf("no %s records from the nested evidence", slug)
				}
			}
		},
	}, {
		name: "android check-androidqf zip.age",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			id := ageEncrypt(t, aqfZip, filepath.Join(ev, "androidqf.zip.age"))
			return append([]string{"android", "check-androidqf", "-H", "-n", "--identity", id}, append(aiocs, filepath.Join(ev, "androidqf.zip.age"))...), ev
		},
		check: func(t *testing.T, out string) {
			if n := countRecords(t, out, "aqf_get_prop"); n != 10 {
				t.Errorf("aqf_get_prop: %d records, want 10", n)
			}
		},
	}, {
		name: "android check-androidqf encrypted backup",
		setup: func(t *testing.T, dir string) ([]string, string) {
			cp := copyTree(t, aqfEncrypted)
			return append([]string{"android", "check-androidqf", "--password-file", pwFile}, append(aiocs, cp)...), cp
		},
	}, {
		name: "android check-bugreport folder",
		setup: func(t *testing.T, dir string) ([]string, string) {
			cp := copyTree(t, bugreportFolder)
			return append([]string{"android", "check-bugreport", "-H"}, append(aiocs, cp)...), cp
		},
	}, {
		name: "android check-bugreport zip",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			zipFolder(t, abs(bugreportFolder), filepath.Join(ev, "bugreport.zip"))
			return append([]string{"android", "check-bugreport"}, append(aiocs, filepath.Join(ev, "bugreport.zip"))...), ev
		},
		check: func(t *testing.T, out string) {
			if n := countRecords(t, out, "tombstones"); n != 2 {
				t.Errorf("tombstones: %d records, want 2", n)
			}
		},
	}, {
		name: "android check-backup .ab",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			writeAll(t, filepath.Join(ev, "backup.ab"), mustRead(t, abDir+"/backup.ab"))
			return append([]string{"android", "check-backup", "-n"}, append(aiocs, filepath.Join(ev, "backup.ab"))...), ev
		},
	}, {
		name: "android check-backup encrypted .ab",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			writeAll(t, filepath.Join(ev, "backup2.ab"), mustRead(t, abDir+"/backup2.ab"))
			return append([]string{"android", "check-backup", "--password-file", pwFile}, append(aiocs, filepath.Join(ev, "backup2.ab"))...), ev
		},
	}, {
		name: "android check-backup folder",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "ev")
			src := abDir + "/apps/com.android.providers.telephony/d_f/"
			for _, n := range []string{"000000_sms_backup", "000001_mms_backup"} {
				writeAll(t, filepath.Join(ev, "apps/com.android.providers.telephony/d_f", n), mustRead(t, src+n))
			}
			return append([]string{"android", "check-backup", "-n"}, append(aiocs, ev)...), ev
		},
		check: func(t *testing.T, out string) {
			if n := countRecords(t, out, "sms"); n != 2 {
				t.Errorf("sms: %d records, want 2", n)
			}
		},
	}, {
		name: "android check-intrusion-logs folder",
		setup: func(t *testing.T, dir string) ([]string, string) {
			ev := filepath.Join(dir, "logs")
			intrusionLogExport(t, ev)
			return append([]string{"android", "check-intrusion-logs", "-H"}, append(aiocs, ev)...), ev
		},
		check: func(t *testing.T, out string) {
			if n := countRecords(t, out, "dns_event"); n != 1 {
				t.Errorf("dns_event: %d records, want 1", n)
			}
		},
	}, {
		name: "android check-intrusion-logs zip",
		setup: func(t *testing.T, dir string) ([]string, string) {
			logs := filepath.Join(t.TempDir(), "logs")
			intrusionLogExport(t, logs)
			ev := filepath.Join(dir, "ev")
			zipFolder(t, logs, filepath.Join(ev, "logs.zip"))
			return append([]string{"android", "check-intrusion-logs"}, append(aiocs, filepath.Join(ev, "logs.zip"))...), ev
		},
	}, {
		name: "check-iocs on a results folder",
		setup: func(t *testing.T, dir string) ([]string, string) {
			results := filepath.Join(dir, "results")
			app, stdout, stderr := testApp(t)
			if code := run(t, app, "ios", "check-backup", "--no-default-iocs", "-q", "-o", results, iosBackupFixture); code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			return append([]string{"check-iocs"}, append(iocs, results)...), results
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args, evidence := c.setup(t, dir)
			ageTree(t, evidence)
			before := treeHashes(t, evidence)
			out := filepath.Join(t.TempDir(), "out")
			if !c.noOutput {
				args = append(args[:len(args)-1:len(args)-1], "-q", "-o", out, args[len(args)-1])
			}
			app, stdout, stderr := testApp(t)
			if code := run(t, app, args...); code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			after := treeHashes(t, evidence)
			if !maps.Equal(before, after) {
				for p, h := range after {
					if before[p] != h {
						t.Errorf("changed or added: %s (%s, was %q)", p, h, before[p])
					}
				}
				for p := range before {
					if _, ok := after[p]; !ok {
						t.Errorf("removed: %s", p)
					}
				}
			}
			if !c.noOutput {
				s := readSummary(t, out)
				assertNoInternalError(t, out, s)
			}
			if c.check != nil {
				c.check(t, out)
			}
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

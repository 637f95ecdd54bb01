package cli

import (
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/report"
	"github.com/spyglass-forensics/spyglass/internal/synth"
)

// Hostile SQLite (issue 18): a database whose schema makes SQLite evaluate
// its author's expressions where a module reads. A VIRTUAL generated column
// printf('%.*c', 500000000, 'x') read through message.* made a 28 KB sms.db
// cost 2 GB and write a 500 MB sms.json; a view named like the table runs
// any query (a recursive CTE never ends). Each must fail only the module
// reading it, with a sentence saying the database looks crafted, and
// leave the others to run. Nothing here is timed: a run that evaluated the
// expressions would write hundreds of MB per row or never end (the test's
// 5-minute context), which the size and status checks catch.

// backupFileID is where a backup stores domain-relPath.
func backupFileID(domain, rel string) string {
	s := sha1.Sum([]byte(domain + "-" + rel))
	id := hex.EncodeToString(s[:])
	return id[:2] + "/" + id
}

const (
	smsDB      = "HomeDomain|Library/SMS/sms.db"
	historyDB  = "AppDomain-com.apple.mobilesafari|Library/Safari/History.db"
	whatsappDB = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared|ChatStorage.sqlite"
	// bigWidth is raised to 500 million after the rows are written (writing
	// evaluates a generated column), by rewriting the schema, as the
	// file's author can.
	bigWidth = "printf('%.*c', 12345, 'x')"
)

// editDB runs stmts on the database file p, as its author would.
func editDB(t *testing.T, p string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+p)
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
}

// widen turns bigWidth into 500 million in table's schema.
func widen(table string) []string {
	return []string{`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = replace(sql, '12345', '500000000') WHERE name = '` + table + `'`}
}

var hostileSQLiteCases = []struct {
	name string
	db   string // domain|relative path of the database edited
	sql  []string
	// failed is the module that must fail with the crafted sentence
	// naming words; ran are modules that must still read their records.
	failed string
	words  []string
	ran    []string
}{{
	name: "generated column in message",
	db:   smsDB,
	sql: append([]string{`ALTER TABLE message ADD COLUMN bomb TEXT GENERATED ALWAYS AS (` + bigWidth + `) VIRTUAL`},
		widen("message")...),
	failed: "sms", words: []string{"sms.db", "looks crafted", `"message"`, `generated column "bomb"`},
	ran: []string{"safari_history", "whatsapp"},
}, {
	name: "stored generated column in attachment",
	db:   smsDB,
	sql: []string{`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = substr(sql, 1, length(sql) - 1) || ', bomb TEXT GENERATED ALWAYS AS (upper(guid)) STORED)' WHERE name = 'attachment'`},
	failed: "sms_attachments", words: []string{"sms.db", "looks crafted", `"attachment"`, "generated column"},
	ran: []string{"sms", "safari_history"},
}, {
	name: "generated column in ZWAMESSAGE",
	db:   whatsappDB,
	sql: append([]string{`ALTER TABLE ZWAMESSAGE ADD COLUMN ZBOMB TEXT GENERATED ALWAYS AS (` + bigWidth + `) VIRTUAL`},
		widen("ZWAMESSAGE")...),
	failed: "whatsapp", words: []string{"ChatStorage.sqlite", "looks crafted", "generated column"},
	ran: []string{"sms", "safari_history"},
}, {
	name: "view named message running a recursive CTE",
	db:   smsDB,
	sql: []string{`ALTER TABLE message RENAME TO message_real`,
		`CREATE VIEW message AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
			SELECT x AS ROWID, 'https://example.invalid/' || x AS text, 0 AS handle_id, 0 AS date FROM c`},
	failed: "sms", words: []string{"sms.db", "looks crafted", `"message" is a view`},
	ran: []string{"safari_history", "whatsapp"},
}, {
	name: "view named history_items with a huge printf width",
	db:   historyDB,
	sql: []string{`ALTER TABLE history_items RENAME TO history_items_real`,
		`CREATE VIEW history_items AS SELECT id, printf('%.*c', 500000000, 'x') AS url FROM history_items_real`},
	failed: "safari_history", words: []string{"History.db", "looks crafted", `"history_items" is a view`},
	ran: []string{"sms", "whatsapp"},
}, {
	// A DEFAULT is what rows written before ALTER TABLE ADD COLUMN read;
	// SQLite only evaluates literal defaults there, so a function reads
	// as NULL: the module reads every row, and nothing grows.
	name: "DEFAULT expression on old rows",
	db:   smsDB,
	sql: []string{`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = substr(sql, 1, length(sql) - 1) || ', bomb TEXT DEFAULT (printf(''%.*c'', 500000000, ''x'')))' WHERE name = 'message'`},
	ran: []string{"sms", "safari_history", "whatsapp"},
}}

func TestHostileSQLite(t *testing.T) {
	clean := filepath.Join(t.TempDir(), "clean")
	spec := synth.Spec{SMS: 30, SafariVisits: 20, WhatsAppMessages: 20, DataUsageProcesses: 5, Seed: 18}
	if err := synth.Write(clean, spec); err != nil {
		t.Fatal(err)
	}
	for _, c := range hostileSQLiteCases {
		t.Run("check-backup/"+c.name, func(t *testing.T) {
			ev := copyTree(t, clean)
			domain, rel, _ := strings.Cut(c.db, "|")
			editDB(t, filepath.Join(ev, backupFileID(domain, rel)), c.sql...)
			checkHostileSQLite(t, []string{"ios", "check-backup"}, ev, c.failed, c.words, c.ran)
		})
	}
	// The same sms.db in a filesystem dump, read by check-fs.
	t.Run("check-fs/generated column in message", func(t *testing.T) {
		dump := t.TempDir()
		p := filepath.Join(dump, "private/var/mobile/Library/SMS/sms.db")
		b, err := os.ReadFile(filepath.Join(clean, backupFileID("HomeDomain", "Library/SMS/sms.db")))
		if err != nil {
			t.Fatal(err)
		}
		writeAll(t, p, b)
		c := hostileSQLiteCases[0]
		editDB(t, p, c.sql...)
		checkHostileSQLite(t, []string{"ios", "check-fs"}, dump, "sms", c.words, nil)
	})
}

// checkHostileSQLite runs args on ev and checks that failed (if any) failed
// with the crafted sentence, that ran read records, and that no result
// file grew with what the expressions would have built.
func checkHostileSQLite(t *testing.T, args []string, ev, failed string, words, ran []string) {
	t.Helper()
	code, out, msg := runHostile(t, args, ev)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	s := readSummary(t, out)
	assertNoInternalError(t, out, s)
	mods := moduleMap(s)
	if failed != "" {
		m := mods[failed]
		t.Logf("%s: %s", failed, m.Reason)
		if m.Status != report.StatusFailed {
			t.Errorf("%s: %s %q, want failed", failed, m.Status, m.Reason)
		}
		for _, w := range words {
			if !strings.Contains(m.Reason, w) {
				t.Errorf("%s's reason %q does not say %q", failed, m.Reason, w)
			}
		}
	}
	for _, name := range ran {
		if m := mods[name]; m.Status != report.StatusOK || m.Records == 0 {
			t.Errorf("%s: %s, %d records (%q), want it read", name, m.Status, m.Records, m.Reason)
		}
	}
	// 500 MB per evaluated row would show here; the real results are a
	// few hundred KB.
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Size() > 4<<20 {
			t.Errorf("%s is %d bytes", e.Name(), info.Size())
		}
	}
}

package cli

import (
	"database/sql"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/spyglass-forensics/spyglass/internal/alert"
)

// fsDumpDB creates the SQLite database dump/rel with stmts.
func fsDumpDB(t *testing.T, dump, rel string, stmts ...string) {
	t.Helper()
	p := filepath.Join(dump, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", p)
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

func fsDumpFile(t *testing.T, dump, rel, content string) {
	t.Helper()
	p := filepath.Join(dump, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o444); err != nil {
		t.Fatal(err)
	}
}

// TestIOSCheckFSModules runs "ios check-fs" on a dump holding the artifacts
// of the filesystem-only modules, each with one indicator hit (MVT's test
// indicators: example.org, http://example.com/thisisbad, process Launch,
// file /var/foobar/txt), plus a shutdown.log with a Pegasus-style client
// and a link loop the walk must not follow.
func TestIOSCheckFSModules(t *testing.T) {
	dump := t.TempDir()
	fsDumpFile(t, dump, "private/var/db/diagnostics/shutdown.log", `After 0.51s, these clients are still here:
	remaining client pid: 211 (/usr/libexec/Launch)
	remaining client pid: 4313 (/private/var/db/com.apple.xpc.roleaccountd.staging/rolexd)
SIGTERM: [1640995200] Processing SIGTERM
`)
	fsDumpDB(t, dump, "private/var/mobile/Containers/Data/Application/A1/Library/Caches/com.example.app/Cache.db",
		`CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, version INTEGER, hash_value INTEGER,
			storage_policy INTEGER, request_key TEXT UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT)`,
		`INSERT INTO cfurl_cache_response(version, hash_value, storage_policy, request_key, time_stamp)
			VALUES (0, 1, 0, 'http://example.com/thisisbad', '2021-09-13 10:03:40'), (0, 2, 0, 'https://ok.example.net/', '2021-09-13 10:04:00')`)
	fsDumpDB(t, dump, "private/var/mobile/Library/Image Cache/Favicons/Favicons.db",
		`CREATE TABLE icon_info (uuid TEXT NOT NULL PRIMARY KEY, url TEXT NOT NULL, timestamp REAL NOT NULL)`,
		`CREATE TABLE page_url (uuid TEXT NOT NULL, url TEXT NOT NULL PRIMARY KEY)`,
		`CREATE TABLE rejected_resources (page_url TEXT NOT NULL, icon_url TEXT NOT NULL, timestamp REAL NOT NULL)`,
		`INSERT INTO icon_info VALUES ('A', 'https://www.example.org/favicon.ico', 650000000)`,
		`INSERT INTO page_url VALUES ('A', 'https://www.example.org/')`)
	fsDumpDB(t, dump, "private/var/networkd/netusage.sqlite",
		`CREATE TABLE ZPROCESS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZFIRSTTIMESTAMP TIMESTAMP, ZTIMESTAMP TIMESTAMP, ZBUNDLENAME VARCHAR, ZPROCNAME VARCHAR)`,
		`CREATE TABLE ZLIVEUSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZKIND INTEGER, ZMETADATA INTEGER, ZTAG INTEGER, ZHASPROCESS INTEGER,
			ZTIMESTAMP TIMESTAMP, ZWIFIIN FLOAT, ZWIFIOUT FLOAT, ZWWANIN FLOAT, ZWWANOUT FLOAT)`,
		`INSERT INTO ZPROCESS VALUES (1, 3, 1, 600000000, 600000100, 'com.apple.mobilesafari', 'MobileSafari/com.apple.mobilesafari')`,
		`INSERT INTO ZLIVEUSAGE VALUES (1, 2, 1, 0, 0, 0, 1, 600000050, 1024.0, 512.0, 0.0, 0.0)`)
	blob, err := plist.Marshal(map[string]any{"build": "19A404", "process": "Launch"}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	fsDumpDB(t, dump, "private/var/Keychains/Analytics/trust_analytics.db",
		`CREATE TABLE hard_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`,
		`CREATE TABLE soft_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`,
		`CREATE TABLE all_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp REAL, data BLOB)`,
		`INSERT INTO hard_failures(timestamp, data) VALUES (650000000, X'`+hex.EncodeToString(blob)+`')`)
	fsDumpFile(t, dump, "private/var/db/analyticsd/Analytics-Journal-2021-10-20-103740.ips",
		`{"timestamp":"2021-10-20 10:37:40.00 +0200","os_version":"iPhone OS 15.0.2 (19A404)"}`+"\n{}\n")
	fsDumpFile(t, dump, "private/var/mobile/Containers/Data/Application/A1/Library/WebKit/WebsiteData/IndexedDB/https_www.example.org_0/IndexedDB.sqlite3", "x")
	fsDumpFile(t, dump, "private/var/mobile/Containers/Data/Application/A1/Library/WebKit/WebsiteData/LocalStorage/https_ok.example.net_0.localstorage", "x")
	fsDumpFile(t, dump, "private/var/mobile/Containers/Data/Application/A1/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData/https_login.example.org_0/x", "x")
	fsDumpFile(t, dump, "private/var/foobar/txt", "x") // only "/var/foobar/txt" is an indicator
	// A link back to the dump's root: a walk that followed it would never end.
	if err := os.Symlink("../..", filepath.Join(dump, "private/var/loop")); err != nil {
		t.Skip("symlinks unsupported:", err)
	}

	// treeHashes reads through links; hash the dump without the loop.
	hashes := func() map[string]string {
		m := treeHashes(t, filepath.Join(dump, "private/var/mobile"))
		maps.Copy(m, treeHashes(t, filepath.Join(dump, "private/var/db")))
		target, _ := os.Readlink(filepath.Join(dump, "private/var/loop"))
		m["loop"] = target
		return m
	}
	before := hashes()
	out := t.TempDir()
	app, stdout, stderr := testApp(t)
	if code := run(t, app, "ios", "check-fs", "--no-default-iocs", "-i", testIndicators, "-o", out, dump); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !maps.Equal(before, hashes()) {
		t.Error("the dump changed during the run")
	}
	wantRecords := map[string]int{
		"shutdown_log": 2, "cache_files": 2, "safari_favicon": 1, "netusage": 1, "analytics": 1,
		"analytics_ios_versions": 1, "ios_version_history": 1, "webkit_indexeddb": 1,
		"webkit_local_storage": 1, "webkit_safari_view_service": 1,
	}
	for slug, want := range wantRecords {
		if got := countRecords(t, out, slug); got != want {
			t.Errorf("%s: %d records, want %d", slug, got, want)
		}
	}
	// Every folder and file once (the link is listed, not entered).
	var walked int
	filepath.WalkDir(dump, func(p string, _ os.DirEntry, _ error) error { walked++; return nil })
	if got := countRecords(t, out, "filesystem"); got != walked-1 {
		t.Errorf("filesystem: %d records, want %d", got, walked-1)
	}

	got := map[alertKey]int{}
	for _, a := range readAlerts(t, out) {
		got[alertKey{a.Level, a.Module}]++
	}
	want := map[alertKey]int{
		// shutdown_log: Launch as a path component (CRITICAL), the
		// roleaccountd staging folder (HIGH). filesystem: the file-name
		// indicator /var/foobar/txt on private/var/foobar/txt.
		{alert.Critical, "shutdown_log"}: 1, {alert.High, "shutdown_log"}: 1,
		{alert.Critical, "cache_files"}: 1, {alert.Critical, "safari_favicon"}: 1,
		{alert.Critical, "analytics"}: 1, {alert.Critical, "webkit_indexeddb"}: 1,
		{alert.Critical, "webkit_safari_view_service"}: 1,
		{alert.High, "filesystem"}:                     1,
	}
	if !maps.Equal(got, want) {
		t.Errorf("alerts %v\nwant %v", got, want)
	}
	tl := readFile(t, filepath.Join(out, "timeline.csv"))
	for _, class := range []string{"ShutdownLog", "CacheFiles", "SafariFavicon", "Netusage", "Analytics", "AnalyticsIOSVersions",
		"IOSVersionHistory", "WebkitIndexedDB", "WebkitLocalStorage", "WebkitSafariViewService", "Filesystem"} {
		if !strings.Contains(tl, `"`+class+`"`) {
			t.Errorf("timeline.csv has no %s event", class)
		}
	}
}

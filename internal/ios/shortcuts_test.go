package ios

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"howett.net/plist"
)

// shortcutsSchema is the part of Shortcuts.sqlite (a Core Data store) the
// module reads, with the real table and column names.
var shortcutsSchema = []string{
	`CREATE TABLE ZSHORTCUT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZACTIONCOUNT INTEGER, ZHIDDENFROMLIBRARYANDSYNC INTEGER, ZTOMBSTONED INTEGER, ZACTIONS INTEGER, ZCREATIONDATE TIMESTAMP, ZMODIFICATIONDATE TIMESTAMP, ZACTIONSDESCRIPTION VARCHAR, ZNAME VARCHAR, ZWORKFLOWID VARCHAR, ZWORKFLOWSUBTITLE VARCHAR)`,
	`CREATE TABLE ZSHORTCUTACTIONS (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZSHORTCUT INTEGER, ZDATA BLOB)`,
}

// shortcutActionsBlob is ZSHORTCUTACTIONS.ZDATA as Shortcuts writes it: a
// binary plist array of actions. The first opens a URL typed as a text
// token, the second downloads one given as a plain parameter (followed by a
// comma, as pasted text often is), the third has no URL.
func shortcutActionsBlob(t testing.TB) []byte {
	t.Helper()
	actions := []any{
		map[string]any{
			"WFWorkflowActionIdentifier": "is.workflow.actions.openurl",
			"WFWorkflowActionParameters": map[string]any{
				"UUID": "8C1F6A52-0000-4000-8000-000000000001",
				"WFInput": map[string]any{
					"Value":               map[string]any{"string": "https://badbadbad.example.org/p?x=1", "attachmentsByRange": map[string]any{}},
					"WFSerializationType": "WFTextTokenString",
				},
			},
		},
		map[string]any{
			"WFWorkflowActionIdentifier": "is.workflow.actions.downloadurl",
			"WFWorkflowActionParameters": map[string]any{"WFURL": "fetch http://safe.test/a, then", "WFHTTPMethod": "POST"},
		},
		map[string]any{
			"WFWorkflowActionIdentifier": "is.workflow.actions.notification",
			"WFWorkflowActionParameters": map[string]any{"WFNotificationActionBody": "done"},
		},
	}
	b, err := plist.Marshal(actions, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestShortcutsBackup(t *testing.T) {
	db := sqliteBytes(t, append(shortcutsSchema,
		`INSERT INTO ZSHORTCUT (Z_PK, ZNAME, ZACTIONSDESCRIPTION, ZCREATIONDATE, ZMODIFICATIONDATE, ZACTIONCOUNT) VALUES
			(1, 'Morning news', 'Open URL, Get Contents of URL, Show Notification', 700000000.5, 700100000, 3),
			(2, 'Empty', NULL, 600000000, NULL, 0),
			(3, 'Broken', 'x', 600000000, 600000000, 1)`,
		`INSERT INTO ZSHORTCUTACTIONS (Z_PK, ZSHORTCUT, ZDATA) VALUES (1, 1, x'`+hexB(shortcutActionsBlob(t))+`'), (3, 3, x'62706c6973743030ffff')`,
	)...)
	bk := backupC2(t, nil, c2File{"HomeDomain", "Library/Shortcuts/Shortcuts.sqlite", db})
	idx := indexA(t)
	c := mustRunC2(t, NewShortcuts(), bk, idx)
	if len(c.Records) != 3 {
		t.Fatalf("R=%d, want 3", len(c.Records))
	}
	wantRecords := []string{
		`{"shortcut_id":1,"shortcut_name":"Morning news","modified_date":"2023-03-10 00:13:20.000000","description":"Open URL, Get Contents of URL, Show Notification","parsed_actions":3,"action_urls":["https://badbadbad.example.org/p?x=1","http://safe.test/a"],"isodate":"2023-03-08 20:26:40.500000"}`,
		// No action row: MVT's "shortcut without action data".
		`{"shortcut_id":2,"shortcut_name":"Empty","modified_date":"","description":null,"parsed_actions":0,"action_urls":null,"isodate":"2020-01-06 10:40:00.000000"}`,
		// An undecodable blob is the same, not a failure.
		`{"shortcut_id":3,"shortcut_name":"Broken","modified_date":"2020-01-06 10:40:00.000000","description":"x","parsed_actions":0,"action_urls":null,"isodate":"2020-01-06 10:40:00.000000"}`,
	}
	for i, want := range wantRecords {
		if got := mustJSON(t, c.Records[i]); got != want {
			t.Errorf("record %d:\n got %s\nwant %s", i, got, want)
		}
	}
	data1 := "iOS Shortcut 'Morning news': Open URL, Get Contents of URL, Show Notification - URLs in actions: https://badbadbad.example.org/p?x=1, http://safe.test/a"
	wantEvents := []string{
		"2023-03-08 20:26:40.500000|Shortcuts|shortcut_created|" + data1,
		"2023-03-10 00:13:20.000000|Shortcuts|shortcut_modified|" + data1,
		"2020-01-06 10:40:00.000000|Shortcuts|shortcut_created|iOS Shortcut 'Empty':  ",
		"2020-01-06 10:40:00.000000|Shortcuts|shortcut_created|iOS Shortcut 'Broken': x ",
		"2020-01-06 10:40:00.000000|Shortcuts|shortcut_modified|iOS Shortcut 'Broken': x ",
	}
	if d := cmp.Diff(wantEvents, eventsC2(c)); d != "" {
		t.Errorf("timeline (-want +got):\n%s", d)
	}
	wantAlerts := []string{`CRITICAL|Found a known suspicious domain https://badbadbad.example.org/p?x=1 matching indicator "example.org" from "TestMalware"|2023-03-08 20:26:40.500000|domains:example.org`}
	if d := cmp.Diff(wantAlerts, alertsC2(t, c)); d != "" {
		t.Errorf("alerts (-want +got):\n%s", d)
	}
	if re := recheckC2(t, NewShortcuts(), c, idx); cmp.Diff(wantAlerts, alertsC2(t, re)) != "" {
		t.Errorf("recheck gives %v", alertsC2(t, re))
	}
	// The second URL of the actions is checked too.
	c = mustRunC2(t, NewShortcuts(), bk, indexA(t, "[url:value = 'http://safe.test/a']"))
	if len(c.Alerts) != 1 {
		t.Errorf("one alert per shortcut (first match), got %v", alertsC2(t, c))
	}
	c = mustRunC2(t, NewShortcuts(), bk, nil)
	if len(c.Alerts) != 0 {
		t.Errorf("no IOCs: %v", alertsC2(t, c))
	}
}

// A filesystem dump; a database without the actions table still lists the
// shortcuts; an unknown layout and the fixture's absence.
func TestShortcutsVariants(t *testing.T) {
	d := dumpA(t, map[string][]byte{"private/var/mobile/Library/Shortcuts/Shortcuts.sqlite": sqliteBytes(t,
		shortcutsSchema[0], `INSERT INTO ZSHORTCUT (Z_PK, ZNAME, ZCREATIONDATE) VALUES (1, 'Only', 600000000)`)})
	c := mustRunC2(t, NewShortcuts(), d, nil)
	if len(c.Records) != 1 || mustJSON(t, c.Records[0]) !=
		`{"shortcut_id":1,"shortcut_name":"Only","modified_date":"","description":null,"parsed_actions":0,"action_urls":null,"isodate":"2020-01-06 10:40:00.000000"}` {
		t.Errorf("no actions table: %d records, first %s", len(c.Records), mustJSON(t, c.Records[0]))
	}
	d = dumpA(t, map[string][]byte{"private/var/mobile/Library/Shortcuts/Shortcuts.sqlite": sqliteBytes(t, `CREATE TABLE ZWORKFLOW (Z_PK)`)})
	if _, err := runC2(t, NewShortcuts(), d, nil); err == nil || !strings.Contains(err.Error(), "tables found: ZWORKFLOW") {
		t.Errorf("unknown schema: err = %v", err)
	}
	if _, err := runC2(t, NewShortcuts(), fixtureBackupA(t), nil); !isNoData(err) || !strings.Contains(err.Error(), "Shortcuts.sqlite") {
		t.Errorf("fixture: err = %v", err)
	}
}

func TestParseShortcutActions(t *testing.T) {
	n, urls, err := parseShortcutActions(shortcutActionsBlob(t))
	if err != nil || n != 3 || cmp.Diff([]string{"https://badbadbad.example.org/p?x=1", "http://safe.test/a"}, urls) != "" {
		t.Errorf("n=%d urls=%v err=%v", n, urls, err)
	}
	// An XML plist of another shape: strings are still searched.
	xml, _ := plist.Marshal(map[string]any{"WFWorkflowActions": "see https://x.test/'"}, plist.XMLFormat)
	n, urls, err = parseShortcutActions(xml)
	if err != nil || n != 0 || cmp.Diff([]string{"https://x.test/"}, urls) != "" {
		t.Errorf("dict: n=%d urls=%v err=%v", n, urls, err)
	}
	if _, _, err := parseShortcutActions([]byte("garbage")); err == nil {
		t.Errorf("garbage decoded")
	}
	// A few hundred bytes that refer to one array from every level decode
	// to 2^40 values: refused before decoding.
	if _, _, err := parseShortcutActions(bplistBomb(40)); err == nil || !strings.Contains(err.Error(), "expands to more than") {
		t.Errorf("bomb: err = %v", err)
	}
}

// bplistBomb builds a binary plist of levels arrays, each holding two
// references to the next one, ending in a string.
func bplistBomb(levels int) []byte {
	var b bytes.Buffer
	b.WriteString("bplist00")
	offsets := make([]int, levels+1)
	for i := 0; i < levels; i++ {
		offsets[i] = b.Len()
		b.Write([]byte{0xA2, byte(i + 1), byte(i + 1)}) // array of 2, 1-byte refs
	}
	offsets[levels] = b.Len()
	b.Write([]byte{0x51, 'x'})
	table := b.Len()
	for _, o := range offsets {
		b.Write([]byte{byte(o >> 8), byte(o)})
	}
	tr := make([]byte, 32)
	tr[6], tr[7] = 2, 1
	tr[15] = byte(levels + 1)
	tr[30], tr[31] = byte(table>>8), byte(table)
	b.Write(tr)
	return b.Bytes()
}

func FuzzParseShortcutActions(f *testing.F) {
	f.Add(shortcutActionsBlob(f))
	f.Add(bplistBomb(6))
	xml, _ := plist.Marshal([]any{map[string]any{"WFWorkflowActionParameters": map[string]any{"WFURL": "http://a.test/"}}}, plist.XMLFormat)
	f.Add(xml)
	f.Add([]byte("bplist00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n, urls, err := parseShortcutActions(b)
		if err != nil && (n != 0 || urls != nil) {
			t.Fatalf("error with results: %d %v", n, urls)
		}
		for _, u := range urls {
			if !strings.HasPrefix(strings.ToLower(u), "http") {
				t.Fatalf("not a URL: %q", u)
			}
		}
	})
}

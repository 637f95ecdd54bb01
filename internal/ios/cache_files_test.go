package ios

import (
	"context"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// cacheDB builds a Cache.db with NSURLCache's tables.
func cacheDB(t *testing.T, rows ...string) []byte {
	stmts := []string{
		`CREATE TABLE cfurl_cache_schema_version(schema_version INTEGER)`,
		`INSERT INTO cfurl_cache_schema_version VALUES (202)`,
		`CREATE TABLE cfurl_cache_response(entry_ID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, version INTEGER, hash_value INTEGER,
			storage_policy INTEGER, request_key TEXT UNIQUE, time_stamp NOT NULL DEFAULT CURRENT_TIMESTAMP, partition TEXT)`,
		`CREATE TABLE cfurl_cache_blob_data(entry_ID INTEGER PRIMARY KEY, response_object BLOB, request_object BLOB, proto_props BLOB, user_info BLOB)`,
		`CREATE TABLE cfurl_cache_receiver_data(entry_ID INTEGER PRIMARY KEY, isDataOnFS INTEGER, receiver_data BLOB)`,
	}
	for _, r := range rows {
		stmts = append(stmts, `INSERT INTO cfurl_cache_response(version, hash_value, storage_policy, request_key, time_stamp) VALUES `+r)
	}
	return sqliteBytes(t, stmts...)
}

func TestCacheFiles(t *testing.T) {
	src := dumpA(t, map[string][]byte{
		"private/var/mobile/Containers/Data/Application/1A2B/Library/Caches/com.example.app/Cache.db": cacheDB(t,
			`(0, -1520183823, 0, 'https://api.example.net/v1/feed', '2021-09-13 10:02:11')`,
			`(0, 1204719937, 0, 'http://example.com/thisisbad', '2021-09-13 10:03:40')`),
		"private/var/root/Library/Caches/com.apple.nsurlsessiond/Cache.db": cacheDB(t,
			`(0, 88, 1, 'https://cdn.example.org/payload.bin', '2021-09-14 01:00:00')`),
		"private/var/mobile/Library/Caches/Other.db": cacheDB(t, `(0, 1, 0, 'http://example.org/', '2021-01-01 00:00:00')`),
	})
	m := NewCacheFiles()
	c, err := runA(t, m, src, indexA(t))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Records {
		got = append(got, mustJSON(t, r))
	}
	want := []string{
		`{"cache_db":"private/var/mobile/Containers/Data/Application/1A2B/Library/Caches/com.example.app/Cache.db","entry_id":1,"version":0,"hash_value":-1520183823,"storage_policy":0,"url":"https://api.example.net/v1/feed","isodate":"2021-09-13 10:02:11"}`,
		`{"cache_db":"private/var/mobile/Containers/Data/Application/1A2B/Library/Caches/com.example.app/Cache.db","entry_id":2,"version":0,"hash_value":1204719937,"storage_policy":0,"url":"http://example.com/thisisbad","isodate":"2021-09-13 10:03:40"}`,
		`{"cache_db":"private/var/root/Library/Caches/com.apple.nsurlsessiond/Cache.db","entry_id":1,"version":0,"hash_value":88,"storage_policy":1,"url":"https://cdn.example.org/payload.bin","isodate":"2021-09-14 01:00:00"}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s", strings.Join(got, "\n"))
	}
	if len(c.Events) != 3 || c.Events[2].Module != "CacheFiles" || c.Events[2].Timestamp != "2021-09-14 01:00:00" ||
		!strings.Contains(c.Events[2].Data, "https://cdn.example.org/payload.bin") {
		t.Errorf("timeline %+v", c.Events)
	}
	// The URL indicator and the domain indicator (example.org) both match.
	var alerts []string
	for _, a := range c.Alerts {
		if a.Level != alert.Critical || a.Indicator == nil {
			t.Errorf("alert %+v", a)
			continue
		}
		alerts = append(alerts, a.Indicator.Type+" "+a.Indicator.Value)
	}
	if strings.Join(alerts, "|") != "urls http://example.com/thisisbad|domains example.org" {
		t.Errorf("alerts %v", alerts)
	}
	var rc module.Collector
	if err := m.Recheck(context.Background(), indexA(t), []byte(want[2]), &rc); err != nil || len(rc.Alerts) != 1 {
		t.Errorf("recheck: %v %+v", err, rc.Alerts)
	}
}

func TestCacheFilesErrors(t *testing.T) {
	if _, err := runA(t, NewCacheFiles(), dumpA(t, map[string][]byte{"private/var/x": nil}), nil); !isNoData(err) || !strings.Contains(err.Error(), "Cache.db") {
		t.Errorf("absent: %v", err)
	}
	src := dumpA(t, map[string][]byte{
		"a/Cache.db": sqliteBytes(t, `CREATE TABLE other(x)`),
		"b/Cache.db": []byte("not a database"),
		"c/Cache.db": cacheDB(t, `(0, 1, 0, 'https://ok.example/', '2021-01-01 00:00:00')`),
	})
	c, err := runA(t, NewCacheFiles(), src, nil)
	if err == nil || !strings.Contains(err.Error(), "a/Cache.db") || !strings.Contains(err.Error(), "other") || !strings.Contains(err.Error(), "b/Cache.db") {
		t.Errorf("err = %v, want both broken files named and the unknown schema's tables listed", err)
	}
	if len(c.Records) != 1 {
		t.Errorf("the good database was not read: %d records", len(c.Records))
	}
}

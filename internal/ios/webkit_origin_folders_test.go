package ios

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// TestWebkitOriginFolders runs the three WebKit folder modules on a dump
// with WebKit's origin folders (and files, for LocalStorage): names not
// starting "http" are skipped, the URL is the scheme and host, the date is
// the holder folder's, and the URL is checked (CRITICAL).
func TestWebkitOriginFolders(t *testing.T) {
	const app = "private/var/mobile/Containers/Data/Application/5F1C2D3E"
	cases := []struct {
		m       module.Module
		holder  string
		entries []string
		class   string
		event   string
		data    string
	}{
		{NewWebkitIndexedDB(), app + "/Library/WebKit/WebsiteData/IndexedDB",
			[]string{"https_www.example.net_0/IndexedDB.sqlite3", "http_example.com_8080/x", "v1/x", "file__0/x"},
			"WebkitIndexedDB", "indexeddb_record", "IndexedDB folder %s containing file for URL %s"},
		{NewWebkitLocalStorage(), app + "/Library/WebKit/WebsiteData/LocalStorage",
			[]string{"https_www.example.net_0.localstorage", "http_example.com_8080.localstorage", "StorageTracker.db", "file__0.localstorage"},
			"WebkitLocalStorage", "local_storage", "WebKit Local Storage folder %s containing file for URL %s"},
		{NewWebkitSafariViewService(), app + "/SystemData/com.apple.SafariViewService/Library/WebKit/WebsiteData",
			[]string{"https_www.example.net_0/x", "http_example.com_8080/x", "ResourceLoadStatistics/observations.db"},
			"WebkitSafariViewService", "webkit_safari_view_service", "SafariViewService folder %s containing file for URL %s"},
	}
	for _, tc := range cases {
		t.Run(tc.m.Describe().Slug, func(t *testing.T) {
			files := map[string][]byte{}
			for _, e := range tc.entries {
				files[tc.holder+"/"+e] = []byte("x")
			}
			src := dumpA(t, files)
			mtime := time.Date(2022, 3, 4, 5, 6, 7, 0, time.UTC)
			os.Chtimes(filepath.Join(src.Dir, tc.holder), mtime, mtime)
			c, err := runA(t, tc.m, src, indexA(t))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range c.Records {
				got = append(got, mustJSON(t, r))
			}
			// ReadDir order: http_ sorts before https_.
			want := []string{
				`{"folder":"` + tc.holder + `","url":"http://example.com","isodate":"2022-03-04 05:06:07.000000"}`,
				`{"folder":"` + tc.holder + `","url":"https://www.example.net","isodate":"2022-03-04 05:06:07.000000"}`,
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("records:\n%s", strings.Join(got, "\n"))
			}
			wantEv := module.TimelineEvent{Timestamp: "2022-03-04 05:06:07.000000", Module: tc.class, Event: tc.event,
				Data: strings.Replace(strings.Replace(tc.data, "%s", tc.holder, 1), "%s", "https://www.example.net", 1)}
			if len(c.Events) != 2 || c.Events[1] != wantEv {
				t.Errorf("timeline %+v, want %+v", c.Events, wantEv)
			}
			if len(c.Alerts) != 0 {
				t.Errorf("alerts without a matching indicator: %+v", c.Alerts)
			}
			// With example.com's host as an indicator, the http origin matches.
			c2, err := runA(t, tc.m, src, indexA(t, "[domain-name:value = 'example.com']"))
			if err != nil || len(c2.Alerts) != 1 || c2.Alerts[0].Level != alert.Critical || c2.Alerts[0].Indicator.Value != "example.com" {
				t.Errorf("alerts %+v, %v", c2.Alerts, err)
			}
			var rc module.Collector
			if err := tc.m.(module.Rechecker).Recheck(context.Background(), indexA(t, "[domain-name:value = 'example.net']"), []byte(want[1]), &rc); err != nil || len(rc.Alerts) != 1 {
				t.Errorf("recheck: %v %+v", err, rc.Alerts)
			}
			if _, err := runA(t, tc.m, dumpA(t, map[string][]byte{"x": nil}), nil); !isNoData(err) {
				t.Errorf("absent: %v", err)
			}
		})
	}
}

func TestWebkitOriginURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https_www.example.net_0", "https://www.example.net"},
		{"http_example.com_8080.localstorage", "http://example.com"},
		{"https_xn--80ak6aa92e.com_0", "https://xn--80ak6aa92e.com"},
		{"httpfoo", "httpfoo"},
		{"https_", "https://"},
	} {
		if got, ok := webkitOriginURL(tc.in); !ok || got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
	}
	if _, ok := webkitOriginURL("file__0"); ok {
		t.Error("file__0 accepted")
	}
}

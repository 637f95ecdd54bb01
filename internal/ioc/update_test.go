package ioc

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// feedServer serves the embedded copies of the feeds under the raw GitHub
// paths indicators.yaml names, and the test's client sends every request
// there, so no test touches the network.
func feedServer(t *testing.T, override map[string]string) (*http.Client, *int) {
	t.Helper()
	repos := map[string]string{
		"/mvt-project/mvt-indicators/main/":                                    "mvt-indicators/",
		"/AmnestyTech/investigations/master/":                                  "amnesty-investigations/",
		"/AssoEchap/stalkerware-indicators/master/generated/stalkerware.stix2": "stalkerware-indicators/generated-2023-05-31/stalkerware.stix2",
	}
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if body, ok := override[r.URL.Path]; ok {
			w.Write([]byte(body))
			return
		}
		for prefix, local := range repos {
			if !strings.HasPrefix(r.URL.Path, prefix) {
				continue
			}
			name := local
			if strings.HasSuffix(local, "/") {
				name += strings.TrimPrefix(r.URL.Path, prefix)
			}
			data, err := fs.ReadFile(EmbeddedFeeds(), name)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Write(data)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	client := srv.Client()
	base := client.Transport
	client.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != "raw.githubusercontent.com" {
			t.Errorf("unexpected host %s", r.URL.Host)
		}
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
		return base.RoundTrip(r)
	})
	return client, &requests
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// realIndex is indicators.yaml with the broken entry that the real index
// ends with (kept by SOURCE.md as indicators_yaml_entry.txt) appended.
func realIndex(t *testing.T) string {
	index, err := fs.ReadFile(EmbeddedFeeds(), "mvt-indicators/indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken, err := fs.ReadFile(EmbeddedFeeds(), "mvt-indicators/2026-03-03_coruna_cryptowaters/indicators_yaml_entry.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(index) + "\n" + string(broken)
}

const indexPath = "/mvt-project/mvt-indicators/main/indicators.yaml"

func TestUpdate(t *testing.T) {
	client, _ := feedServer(t, map[string]string{indexPath: realIndex(t)})
	dir := t.TempDir()
	var log strings.Builder
	res, err := Update(context.Background(), client, DefaultIndexURL, dir, &log)
	if err != nil {
		t.Fatal(err)
	}
	// 16 entries: 15 files download, the broken last entry
	// (coruna_cryptowaters/coruna.stix2) fails and is tolerated.
	if res.Added != 15 || res.Failed != 1 || res.Updated+res.Unchanged+res.Removed != 0 {
		t.Fatalf("first update: %+v", res)
	}
	for _, f := range res.Files {
		if f.Status == "failed" && !strings.Contains(f.URL, "/main/coruna_cryptowaters/coruna.stix2") {
			t.Errorf("unexpected failure %+v", f)
		}
	}
	peg := filepath.Join(dir, "raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2")
	if _, err := os.Stat(peg); err != nil {
		t.Fatal(err)
	}
	// The downloaded folder loads as the user folder.
	x, rep, err := LoadAll(LoadOptions{UserDir: dir, NoDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 15 || x.CheckDomain("weather4free.com") == nil {
		t.Errorf("loaded %d files", len(rep.Files))
	}

	// Second run: an upstream file changed, one is now broken (kept),
	// one entry disappeared (removed).
	trimmed := strings.Replace(realIndex(t), "path: cellebrite/cellebrite.stix2", "path: cellebrite/gone.stix2", 1)
	client2, _ := feedServer(t, map[string]string{
		"/mvt-project/mvt-indicators/main/indicators.yaml":                     trimmed,
		"/mvt-project/mvt-indicators/main/2022-06-23_rcs_lab/rcs.stix2":        `{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='new.example']"}]}`,
		"/mvt-project/mvt-indicators/main/candiru/candiru.stix2":               `not json`,
		"/mvt-project/mvt-indicators/main/2023-04-11_quadream/kingspawn.stix2": `{"type":"bundle","objects":[]}`,
	})
	candiru := filepath.Join(dir, "raw.githubusercontent.com_mvt-project_mvt-indicators_main_candiru_candiru.stix2")
	before, _ := os.ReadFile(candiru)
	res, err = Update(context.Background(), client2, DefaultIndexURL, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, f := range res.Files {
		status[filepath.Base(f.Path)] = f.Status
	}
	want := map[string]string{
		"raw.githubusercontent.com_mvt-project_mvt-indicators_main_2022-06-23_rcs_lab_rcs.stix2":        "updated",
		"raw.githubusercontent.com_mvt-project_mvt-indicators_main_candiru_candiru.stix2":               "failed",
		"raw.githubusercontent.com_mvt-project_mvt-indicators_main_2023-04-11_quadream_kingspawn.stix2": "failed",
		"raw.githubusercontent.com_mvt-project_mvt-indicators_main_cellebrite_gone.stix2":               "failed",
		"raw.githubusercontent.com_mvt-project_mvt-indicators_main_cellebrite_cellebrite.stix2":         "removed",
		"raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2":      "unchanged",
	}
	for name, st := range want {
		if status[name] != st {
			t.Errorf("%s: %q, want %q", name, status[name], st)
		}
	}
	if res.Updated != 1 || res.Removed != 1 || res.Unchanged != 11 || res.Failed != 4 {
		t.Errorf("second update: %+v", res)
	}
	after, _ := os.ReadFile(candiru)
	if string(before) != string(after) {
		t.Error("a broken download replaced the old copy")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

func TestUpdateIndexErrors(t *testing.T) {
	for _, body := range []string{"::: not yaml", "indicators: []", "other: 1"} {
		client, _ := feedServer(t, map[string]string{indexPath: body})
		if _, err := Update(context.Background(), client, DefaultIndexURL, t.TempDir(), nil); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
	client, _ := feedServer(t, map[string]string{indexPath: "indicators:\n - type: github\n   github: {owner: a, repo: b, path: c.stix2}\n"})
	if _, err := Update(context.Background(), client, DefaultIndexURL, t.TempDir(), nil); err == nil {
		t.Error("all entries failed but no error")
	}
}

func TestLocalName(t *testing.T) {
	tests := map[string]string{
		"https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2": "raw.githubusercontent.com_AmnestyTech_investigations_master_2021-07-18_nso_pegasus.stix2",
		"https://example.org/../../etc/passwd": "example.org_.._.._etc_passwd.stix2",
		"https://example.org/feed.json?x=1":    "example.org_feed.json",
		"https://example.org/a b/c\\d":         "example.org_a_b_c_d.stix2",
	}
	for in, want := range tests {
		if got := localName(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

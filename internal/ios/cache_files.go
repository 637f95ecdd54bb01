package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// cacheFilesName is the name of the URL cache every app using
// NSURLSession keeps (Library/Caches/<bundle id>/Cache.db).
const cacheFilesName = "Cache.db"

// maxCacheDBs bounds the databases read: a phone has a few hundred.
const maxCacheDBs = 100000

// cacheResponse is one cached HTTP response, with MVT's field names plus
// the database it came from (MVT keys its JSON by that path; records here
// stream one per row, so each carries it).
type cacheResponse struct {
	CacheDB       string `json:"cache_db"`
	EntryID       any    `json:"entry_id"`
	Version       any    `json:"version"`
	HashValue     any    `json:"hash_value"`
	StoragePolicy any    `json:"storage_policy"`
	URL           string `json:"url"`
	Isodate       string `json:"isodate"`
}

// CacheFiles reads every app's HTTP cache (Cache.db) in the dump: the URLs
// apps fetched, including an exploit's or implant's downloads.
type CacheFiles struct{}

// NewCacheFiles returns the cache_files module.
func NewCacheFiles() *CacheFiles { return &CacheFiles{} }

// Describe implements module.Module.
func (*CacheFiles) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "cache_files",
		MVTName:     "CacheFiles",
		Description: "URLs in every app's HTTP cache (Cache.db, cfurl_cache_response)",
		Artifact:    "Web addresses in apps' download caches (Cache.db)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

var cacheFilesVariants = []sqlitedb.Variant{
	{Name: "cfurl_cache_response", Requires: []string{"cfurl_cache_response.entry_ID", "cfurl_cache_response.version",
		"cfurl_cache_response.hash_value", "cfurl_cache_response.storage_policy", "cfurl_cache_response.request_key",
		"cfurl_cache_response.time_stamp"}},
}

// Run implements module.Module.
func (m *CacheFiles) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	fsys, err := dumpFS(in, "Cache.db files")
	if err != nil {
		return err
	}
	var dbs []string
	st, err := walkDump(ctx, fsys, func(p string, d fs.DirEntry) error {
		if d.Name() == cacheFilesName && d.Type().IsRegular() {
			if len(dbs) >= maxCacheDBs {
				return fmt.Errorf("more than %d files named %s", maxCacheDBs, cacheFilesName)
			}
			dbs = append(dbs, p)
		}
		return nil
	})
	logWalk(in, st)
	if err != nil {
		return fmt.Errorf("filesystem dump: %w", err)
	}
	if len(dbs) == 0 {
		return errors.Join(module.NoData("no Cache.db anywhere in the dump"), st.err())
	}
	errs := []error{st.err()}
	for _, p := range dbs {
		if err := m.readDB(ctx, in, source.IOSFile{Path: p, RelativePath: p}, out); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m *CacheFiles) readDB(ctx context.Context, in *module.Input, f source.IOSFile, out module.Emitter) error {
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := pickSchema(in, db, f, cacheFilesVariants...); err != nil {
		return err
	}
	q := `SELECT entry_ID, version, hash_value, storage_policy, request_key, time_stamp FROM cfurl_cache_response`
	return streamRows(ctx, db, f, q, func(r *sqlRow) error {
		rec := &cacheResponse{CacheDB: f.Path, EntryID: r.get("entry_ID"), Version: r.get("version"),
			HashValue: r.get("hash_value"), StoragePolicy: r.get("storage_policy"),
			URL: r.str("request_key"), Isodate: r.str("time_stamp")}
		out.Record(rec)
		if rec.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: rec.Isodate, Module: "CacheFiles", Event: "cache_response",
				Data: fmt.Sprintf("%s recorded %s (entry %s)", rec.CacheDB, rec.URL, pyText(rec.EntryID))})
		}
		urlCheck(in.IOCs, rec, rec.Isodate, out, rec.URL)
		return nil
	})
}

// Recheck implements module.Rechecker on one record of cache_files.json.
func (m *CacheFiles) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		URL     string `json:"url"`
		Isodate string `json:"isodate"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("cache_files record: %w", err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL)
	return nil
}

package ios

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// WebKit keeps a site's storage (IndexedDB, LocalStorage, the website data
// of SafariViewService) in a child folder named after its origin, as
// "https_example.com_0". The folder names outlive the browsing history.

// webkitOrigin is one origin folder, with MVT's field names: the folder
// that holds it, the URL its name encodes, and the holder's modification
// time (MVT dates every origin by the holder, not by the child).
type webkitOrigin struct {
	Folder  string `json:"folder"`
	URL     string `json:"url"`
	Isodate string `json:"isodate"`
}

// maxOriginsPerFolder bounds the entries read from one holder folder.
const maxOriginsPerFolder = 100000

// webkitOriginFolders is the shared reader of the three WebKit modules.
type webkitOriginFolders struct {
	slug, class, event, what string
	patterns                 []string
	describe                 func(r *webkitOrigin) string
}

func (w *webkitOriginFolders) run(ctx context.Context, in *module.Input, out module.Emitter) error {
	fsys, err := dumpFS(in, w.what)
	if err != nil {
		return err
	}
	var holders []string
	for _, p := range w.patterns {
		dirs, err := findDumpDirs(fsys, p)
		if err != nil {
			return fmt.Errorf("looking for %s: %w", w.what, err)
		}
		holders = append(holders, dirs...)
	}
	if len(holders) == 0 {
		return module.NoData("%s not found", w.what)
	}
	var errs []error
	for _, h := range holders {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := w.readHolder(in, fsys, h, out); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (w *webkitOriginFolders) readHolder(in *module.Input, fsys fs.FS, holder string, out module.Emitter) error {
	when := ""
	if st, err := fs.Stat(fsys, holder); err == nil {
		when = timeutil.Format(roundedSeconds(float64(st.ModTime().UnixNano()) / 1e9))
	}
	entries, err := fs.ReadDir(fsys, holder)
	if err != nil {
		return fmt.Errorf("%s: %w", holder, err)
	}
	if len(entries) > maxOriginsPerFolder {
		return fmt.Errorf("%s: more than %d entries", holder, maxOriginsPerFolder)
	}
	for _, e := range entries {
		u, ok := webkitOriginURL(e.Name())
		if !ok {
			continue
		}
		rec := &webkitOrigin{Folder: holder, URL: u, Isodate: when}
		out.Record(rec)
		if when != "" {
			out.Timeline(module.TimelineEvent{Timestamp: when, Module: w.class, Event: w.event, Data: w.describe(rec)})
		}
		urlCheck(in.IOCs, rec, when, out, u)
	}
	return nil
}

// webkitOriginURL decodes an origin folder name as MVT does: names not
// starting "http" are skipped; "http_"/"https_" become the scheme, and the
// text up to the next "_" (the port, 0 for the default) is the host.
func webkitOriginURL(name string) (string, bool) {
	if !strings.HasPrefix(name, "http") {
		return "", false
	}
	name = strings.Replace(name, "https_", "https://", 1)
	name = strings.Replace(name, "http_", "http://", 1)
	u, _, _ := strings.Cut(name, "_")
	return u, true
}

func (w *webkitOriginFolders) recheck(idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec webkitOrigin
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("%s record: %w", w.slug, err)
	}
	urlCheck(idx, json.RawMessage(raw), rec.Isodate, out, rec.URL)
	return nil
}

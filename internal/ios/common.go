// Package ios holds the iOS analysis modules, one file per artifact. Every
// module reads its artifact through source.IOS, so the same module runs on a
// backup (found by domain and relative path) and on a filesystem dump (found
// by path pattern).
package ios

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/plistsafe"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

// maxPlistSize bounds the plists modules read into memory. Real ones are a
// few hundred kilobytes at most; a crafted one must not exhaust memory.
const maxPlistSize = 64 << 20

// iosSource returns the iOS evidence of in.
func iosSource(in *module.Input) (source.IOS, error) {
	src, ok := in.Source.(source.IOS)
	if !ok || src == nil {
		return nil, fmt.Errorf("this module needs iOS evidence, got %T", in.Source)
	}
	return src, nil
}

// findAll returns every file matching q, or module.NoData naming what when
// there is none.
func findAll(in *module.Input, q source.IOSQuery, what string) ([]source.IOSFile, error) {
	src, err := iosSource(in)
	if err != nil {
		return nil, err
	}
	files, err := src.Find(q)
	if err != nil {
		return nil, fmt.Errorf("looking for %s: %w", what, err)
	}
	if len(files) == 0 {
		return nil, module.NoData("%s not found", what)
	}
	return files, nil
}

// findOne returns the first file matching q (queries list the preferred
// location first), or module.NoData naming what.
func findOne(in *module.Input, q source.IOSQuery, what string) (source.IOSFile, error) {
	files, err := findAll(in, q, what)
	if err != nil {
		return source.IOSFile{}, err
	}
	return files[0], nil
}

// fileLabel names a file for messages: the backup's name when it has one.
func fileLabel(f source.IOSFile) string {
	switch {
	case f.Domain != "":
		return fmt.Sprintf("%s-%s (%s)", f.Domain, f.RelativePath, f.Path)
	case f.RelativePath != "":
		return f.RelativePath
	}
	return f.Path
}

// openDB opens an SQLite artifact read-only. In a backup the WAL sidecar is
// a separate entry (same domain, relative path + "-wal"); it is read too.
func openDB(in *module.Input, f source.IOSFile) (*sqlitedb.DB, error) {
	src, err := iosSource(in)
	if err != nil {
		return nil, err
	}
	wal := f.Path + "-wal"
	if src.IsBackup() && f.Domain != "" {
		wal = ""
		ws, err := src.Find(source.IOSQuery{DomainPaths: []string{f.Domain + "-" + f.RelativePath + "-wal"}})
		if err == nil && len(ws) > 0 {
			wal = ws[0].Path
		}
	}
	db, err := sqlitedb.OpenWithWAL(src.FS(), f.Path, wal)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	return db, nil
}

// pickSchema picks the first known layout of f's database, logging which.
func pickSchema(in *module.Input, db *sqlitedb.DB, f source.IOSFile, variants ...sqlitedb.Variant) (sqlitedb.Variant, error) {
	_, v, err := readSchema(in, db, f, variants...)
	return v, err
}

// readSchema reads db's schema and picks the first variant it matches,
// logging which (schemas change across iOS versions).
func readSchema(in *module.Input, db *sqlitedb.DB, f source.IOSFile, variants ...sqlitedb.Variant) (*sqlitedb.Schema, sqlitedb.Variant, error) {
	s, err := sqlitedb.ReadSchema(db)
	if err != nil {
		return nil, sqlitedb.Variant{}, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	v, err := pickFrom(in, s, f, variants...)
	return s, v, err
}

// pickFrom picks the first variant schema s matches, logging which; the
// error names f and the tables found.
func pickFrom(in *module.Input, s *sqlitedb.Schema, f source.IOSFile, variants ...sqlitedb.Variant) (sqlitedb.Variant, error) {
	v, err := s.Pick(variants...)
	if err != nil {
		return v, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	logger(in).Debug("schema variant matched", "file", fileLabel(f), "variant", v.Name)
	return v, nil
}

// readEach reads every file found: a broken database fails the module, but
// only after the others have been read, so one planted file cannot hide
// the rest.
func readEach(files []source.IOSFile, read func(source.IOSFile) error) error {
	var errs []error
	for _, f := range files {
		if err := read(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// readFile reads a whole (small) artifact, refusing one over maxPlistSize.
func readFile(in *module.Input, f source.IOSFile) ([]byte, error) {
	src, err := iosSource(in)
	if err != nil {
		return nil, err
	}
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	defer fh.Close()
	b, err := readBounded(fh, maxPlistSize)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	if len(b) > maxPlistSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", fileLabel(f), maxPlistSize)
	}
	return b, nil
}

// readBounded reads a whole artifact of at most max bytes. A file
// that states a larger size is refused before reading: reading 64 MiB only
// to refuse it cost a 100 MiB plist some 100 MiB of peak memory per module
// (issue 7). The buffer is sized from the stated size, so an honest file is
// read without regrowing; one longer than it says is still bounded.
func readBounded(fh fs.File, max int64) ([]byte, error) {
	tooLarge := fmt.Errorf("larger than %d bytes", max)
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < 0 {
		b, err := io.ReadAll(io.LimitReader(fh, max+1))
		if err == nil && int64(len(b)) > max {
			err = tooLarge
		}
		return b, err
	}
	if st.Size() > max {
		return nil, tooLarge
	}
	b := make([]byte, st.Size()+1)
	n, err := io.ReadFull(fh, b)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return b[:n], nil
	case err != nil:
		return nil, err
	}
	rest, err := io.ReadAll(io.LimitReader(fh, max+1-int64(n)))
	b = append(b, rest...)
	if err == nil && int64(len(b)) > max {
		err = tooLarge
	}
	return b, err
}

// decodePlist decodes an evidence plist within plistsafe's bounds on
// nesting and size.
func decodePlist(b []byte, v any) error { return plistsafe.Unmarshal(b, v) }

// readPlistFS decodes the plist at name in fsys (a file outside the
// manifest, such as a backup's Info.plist).
func readPlistFS(fsys fs.FS, name string, v any) error {
	fh, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer fh.Close()
	b, err := readBounded(fh, maxPlistSize)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxPlistSize {
		return fmt.Errorf("%s: larger than %d bytes", name, maxPlistSize)
	}
	if err := decodePlist(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func logger(in *module.Input) *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.New(slog.DiscardHandler)
}

// iocAlert builds an alert for an indicator match.
func iocAlert(level alert.Level, msg, eventTime string, rec any, m *ioc.Match) alert.Alert {
	return alert.Alert{Level: level, Message: msg, EventTime: eventTime, Event: rec, Indicator: m.Indicator()}
}

// heuristicAlert builds an alert raised without an indicator.
func heuristicAlert(level alert.Level, msg, eventTime string, rec any, h *alert.Heuristic) alert.Alert {
	return alert.Alert{Level: level, Message: msg, EventTime: eventTime, Event: rec, Heuristic: h}
}

// oneLine flattens text for a timeline description.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// isNoData reports whether err means the artifact was absent.
func isNoData(err error) bool { return errors.Is(err, module.ErrNoData) }

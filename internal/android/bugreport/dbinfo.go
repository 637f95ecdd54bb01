package bugreport

import (
	"context"
	"fmt"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/android/dumpsys"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// DBInfo lists recent SQLite operations of app databases (dumpsys dbinfo).
type DBInfo struct{}

// Describe implements module.Module.
func (DBInfo) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "dbinfo",
		MVTName:     "DumpsysDBInfo",
		Description: "Recent SQL operations on app databases, from dumpsys dbinfo",
		Artifact:    "Recent operations on app databases (dumpsys dbinfo)",
		Evidence:    []module.Evidence{module.AndroidQF, module.Bugreport},
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

func (m DBInfo) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	return withSection(in, "dbinfo", func(l *dumpsys.Lines, _ string) error {
		recs, err := dumpsys.ParseDBInfo(l)
		for i := range recs {
			r := &recs[i]
			out.Record(r)
			out.Timeline(module.TimelineEvent{Timestamp: r.ISODate, Module: "DumpsysDBInfo", Event: r.Action,
				Data: fmt.Sprintf("%s (%s)", r.SQL, r.Path)})
			m.check(in.IOCs, r, out)
		}
		return err
	})
}

// check matches every component of the database path as an app id: the
// path "/data/user/0/<package>/databases/x.db" names the app.
func (DBInfo) check(idx *ioc.Index, r *dumpsys.DBInfoOperation, out module.Emitter) {
	for _, part := range strings.Split(r.Path, "/") {
		if part == "" {
			continue
		}
		if m := idx.CheckAppID(part); m != nil {
			out.Alert(alert.Alert{Level: alert.Critical,
				Message:   fmt.Sprintf("Found a database of a known suspicious app with ID %q matching indicators from %q: %s", part, m.Collection, r.Path),
				EventTime: r.ISODate, Event: r, Indicator: m.Indicator()})
			return
		}
	}
}

// Recheck implements module.Rechecker.
func (m DBInfo) Recheck(ctx context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var r dumpsys.DBInfoOperation
	if err := unmarshal(raw, &r); err != nil {
		return err
	}
	m.check(idx, &r, out)
	return nil
}

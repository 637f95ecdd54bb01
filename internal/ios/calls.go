package ios

import (
	"context"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var callsDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/CallHistoryDB/CallHistory.storedata"},
	FSGlobs:     []string{"private/var/mobile/Library/CallHistoryDB/CallHistory.storedata"},
}

// callRecord is one call, with MVT's field names.
type callRecord struct {
	ISODate  string `json:"isodate"`
	Duration any    `json:"duration"`
	Location string `json:"location"`
	Number   string `json:"number"`
	Provider string `json:"provider"`
}

// Calls reads the phone, FaceTime and VoIP call log (CallHistory.storedata).
type Calls struct{}

// NewCalls returns the calls module.
func NewCalls() *Calls { return &Calls{} }

// Describe implements module.Module.
func (*Calls) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "calls",
		MVTName:     "Calls",
		Description: "Call log (phone, FaceTime, VoIP apps) from CallHistory.storedata",
		Artifact:    "Call history (CallHistory.storedata)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"number": module.Phone},
		Version:     1,
	}
}

// Run implements module.Module.
func (*Calls) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, callsDB, "CallHistory.storedata")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	s, _, err := readSchema(in, db, f, sqlitedb.Variant{Name: "ZCALLRECORD", Requires: []string{"ZCALLRECORD.ZDATE", "ZCALLRECORD.ZADDRESS"}})
	if err != nil {
		return err
	}
	sel, _ := buildSelect(s, []sqlCol{
		{"ZDATE", "date", "ZCALLRECORD.ZDATE"},
		{"ZDURATION", "duration", "ZCALLRECORD.ZDURATION"},
		{"ZLOCATION", "location", "ZCALLRECORD.ZLOCATION"},
		{"ZADDRESS", "number", "ZCALLRECORD.ZADDRESS"},
		{"ZSERVICE_PROVIDER", "provider", "ZCALLRECORD.ZSERVICE_PROVIDER"},
	})
	return streamRows(ctx, db, f, "SELECT "+sel+" FROM ZCALLRECORD ORDER BY Z_PK", func(r *sqlRow) error {
		rec := &callRecord{
			ISODate:  macTimeMVT(r.get("date")),
			Duration: r.get("duration"),
			Location: r.str("location"),
			// ZADDRESS is a blob holding the number's text.
			Number:   r.str("number"),
			Provider: r.str("provider"),
		}
		out.Record(rec)
		if rec.ISODate != "" {
			out.Timeline(module.TimelineEvent{
				Timestamp: rec.ISODate, Module: "Calls", Event: "call",
				Data: fmt.Sprintf("Call %s, duration %s s, via %s", rec.Number, valueText(rec.Duration), rec.Provider),
			})
		}
		return nil
	})
}

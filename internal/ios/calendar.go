package ios

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
)

var calendarDB = source.IOSQuery{
	DomainPaths: []string{"HomeDomain-Library/Calendar/Calendar.sqlitedb"},
	FSGlobs:     []string{"private/var/mobile/Library/Calendar/Calendar.sqlitedb"},
}

// calendarColumns are MVT's output keys in order, with the expression that
// fills each; the dates are Apple absolute times.
var calendarColumns = []struct{ key, expr string }{
	{"id", "CalendarItem.ROWID"}, {"summary", "CalendarItem.summary"}, {"description", "CalendarItem.description"},
	{"start_date", "CalendarItem.start_date"}, {"end_date", "CalendarItem.end_date"}, {"all_day", "CalendarItem.all_day"},
	{"calendar_id", "CalendarItem.calendar_id"}, {"organizer_id", "CalendarItem.organizer_id"}, {"url", "CalendarItem.url"},
	{"last_modified", "CalendarItem.last_modified"}, {"external_id", "CalendarItem.external_id"},
	{"external_mod_tag", "CalendarItem.external_mod_tag"}, {"unique_identifier", "CalendarItem.unique_identifier"},
	{"hidden", "CalendarItem.hidden"}, {"uuid", "CalendarItem.UUID"}, {"creation_date", "CalendarItem.creation_date"},
	{"action", "CalendarItem.action"}, {"created_by_id", "CalendarItem.created_by_id"},
	{"participant_uuid", "Participant.UUID"}, {"participant_email", "Participant.email"},
	{"participant_phone", "Participant.phone_number"}, {"participant_comment", "Participant.comment"},
	{"participant_last_modified", "Participant.last_modified"},
}

// calendarDates are converted and each gives a timeline event, in this order.
var calendarDates = []string{"start_date", "end_date", "last_modified", "creation_date", "participant_last_modified"}

var heuristicQuadreamEvent = &alert.Heuristic{
	ID:    "ios.calendar.quadream_event",
	Title: "Calendar invitation shaped like QuaDream's exploit",
	Why: "QuaDream's spyware (2021) was delivered through invisible iCloud calendar invitations titled " +
		"\"Meeting\" with the notes \"Notes\". An ordinary event can have these words too.",
	Action: "Check who sent the invitation and when; have an expert review the device if the owner does not recognise it.",
}

// Calendar reads calendar events and their organiser from Calendar.sqlitedb.
type Calendar struct{}

// NewCalendar returns the calendar module.
func NewCalendar() *Calendar { return &Calendar{} }

// Describe implements module.Module.
func (*Calendar) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "calendar",
		MVTName:     "Calendar",
		Description: "Calendar events and their organiser in Calendar.sqlitedb",
		Artifact:    "Calendar events (Calendar.sqlitedb)",
		Evidence:    iosBoth,
		Sensitive:   module.Fields{"summary": module.Body, "description": module.Body, "participant_email": module.Phone},
		Version:     1,
	}
}

var calendarVariants = []sqlitedb.Variant{
	{Name: "CalendarItem with Participant", Requires: []string{"CalendarItem.summary", "CalendarItem.organizer_id", "CalendarItem.UUID", "Participant.email"}},
}

// Run implements module.Module.
func (m *Calendar) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	f, err := findOne(in, calendarDB, "Calendar.sqlitedb (HomeDomain Library/Calendar)")
	if err != nil {
		return err
	}
	db, err := openDB(in, f)
	if err != nil {
		return err
	}
	defer db.Close()
	schema, _, err := readSchema(in, db, f, calendarVariants...)
	if err != nil {
		return err
	}
	// Columns added or dropped across iOS versions read as NULL.
	q := "SELECT "
	for i, c := range calendarColumns {
		if i > 0 {
			q += ", "
		}
		// ROWID is implicit: table_info does not list it.
		if schema.Has(c.expr) || c.key == "id" {
			q += c.expr
		} else {
			q += "NULL"
		}
	}
	q += " FROM CalendarItem LEFT JOIN Participant ON Participant.ROWID = CalendarItem.organizer_id"
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: reading events: %w", fileLabel(f), err)
	}
	defer rows.Close()
	vals := make([]any, len(calendarColumns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("%s: reading events: %w", fileLabel(f), err)
		}
		r := &sqlRow{}
		for i, c := range calendarColumns {
			v := vals[i]
			if b, ok := v.([]byte); ok {
				v = bytesText(b)
			}
			if isCalendarDate(c.key) {
				if _, isText := v.(string); v != nil && !isText {
					v = macTimeMVT(v)
				}
			}
			r.keys = append(r.keys, c.key)
			r.vals = append(r.vals, v)
		}
		out.Record(r)
		data := fmt.Sprintf("Calendar event %s (%s) (invitation by %s)", pyText(r.get("summary")), pyText(r.get("description")), pyText(r.get("participant_email")))
		for _, k := range calendarDates {
			if ts := r.str(k); ts != "" {
				out.Timeline(module.TimelineEvent{Timestamp: ts, Module: "Calendar", Event: k, Data: data})
			}
		}
		calendarCheck(in.IOCs, r, r.str("participant_email"), r.str("summary"), r.str("description"), r.str("start_date"), out)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: reading events: %w", fileLabel(f), err)
	}
	return nil
}

func isCalendarDate(k string) bool {
	for _, d := range calendarDates {
		if d == k {
			return true
		}
	}
	return false
}

// calendarCheck matches the organiser's address (CRITICAL); otherwise it
// looks for QuaDream's invitation (HIGH), as MVT does.
func calendarCheck(idx *ioc.Index, rec any, email, summary, description, when string, out module.Emitter) {
	if email != "" {
		if m := idx.CheckEmail(email); m != nil {
			out.Alert(iocAlert(alert.Critical, matchMessage(email, m), when, rec, m))
			return
		}
	}
	if summary == "Meeting" && description == "Notes" {
		out.Alert(heuristicAlert(alert.High, "Potential Quadream exploit event identified", when, rec, heuristicQuadreamEvent))
	}
}

// Recheck implements module.Rechecker on one record of calendar.json.
func (m *Calendar) Recheck(_ context.Context, idx *ioc.Index, raw []byte, out module.Emitter) error {
	var rec struct {
		Email       *string `json:"participant_email"`
		Summary     *string `json:"summary"`
		Description *string `json:"description"`
		Start       any     `json:"start_date"`
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("calendar record: %w", err)
	}
	start, _ := rec.Start.(string)
	calendarCheck(idx, json.RawMessage(raw), strPtrText(rec.Email), strPtrText(rec.Summary), strPtrText(rec.Description), start, out)
	return nil
}

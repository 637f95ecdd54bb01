package ios

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/source"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// analyticsd starts a new journal at each iOS update (and periodically);
// its first line is a JSON header with the date and the iOS version.
var iosVersionJournals = source.IOSQuery{
	FSGlobs: []string{"private/var/db/analyticsd/Analytics-Journal-*.ips"},
}

// maxJournalHeader bounds the first line read from a journal; real headers
// are a few hundred bytes.
const maxJournalHeader = 1 << 20

// iosVersionRecord is one journal header, with MVT's field names.
type iosVersionRecord struct {
	Isodate   string `json:"isodate"`
	OSVersion string `json:"os_version"`
}

// IOSVersionHistory lists the iOS versions the phone ran, from the headers
// of analyticsd's journals.
type IOSVersionHistory struct{}

// NewIOSVersionHistory returns the ios_version_history module.
func NewIOSVersionHistory() *IOSVersionHistory { return &IOSVersionHistory{} }

// Describe implements module.Module.
func (*IOSVersionHistory) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "ios_version_history",
		MVTName:     "IOSVersionHistory",
		Description: "iOS versions the phone ran, from analyticsd journal headers (Analytics-Journal-*.ips)",
		Artifact:    "iOS versions the phone ran (analytics journals)",
		Evidence:    iosFilesystem,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// Run implements module.Module. It has no indicator check.
func (m *IOSVersionHistory) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	files, err := findAll(in, iosVersionJournals, "analytics journals (private/var/db/analyticsd/Analytics-Journal-*.ips)")
	if err != nil {
		return err
	}
	src, err := iosSource(in)
	if err != nil {
		return err
	}
	var recs []iosVersionRecord
	var errs []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, err := readJournalHeader(src, f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, rec)
	}
	sort.SliceStable(recs, func(i, j int) bool { return recs[i].Isodate < recs[j].Isodate })
	for i := range recs {
		r := &recs[i]
		out.Record(r)
		if r.Isodate != "" {
			out.Timeline(module.TimelineEvent{Timestamp: r.Isodate, Module: "IOSVersionHistory", Event: "ios_version",
				Data: "Recorded iOS version " + r.OSVersion})
		}
	}
	return errors.Join(errs...)
}

func readJournalHeader(src source.IOS, f source.IOSFile) (iosVersionRecord, error) {
	fh, err := src.FS().Open(f.Path)
	if err != nil {
		return iosVersionRecord{}, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	defer fh.Close()
	rec, err := parseJournalHeader(fh)
	if err != nil {
		return rec, fmt.Errorf("%s: %w", fileLabel(f), err)
	}
	return rec, nil
}

// parseJournalHeader reads the JSON first line of a journal:
// {"timestamp":"2021-10-19 12:34:56.00 +0200","os_version":"iPhone OS 15.0.2 (19A404)",…}.
func parseJournalHeader(r io.Reader) (iosVersionRecord, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxJournalHeader)).ReadString('\n')
	if err != nil && err != io.EOF {
		return iosVersionRecord{}, err
	}
	var h struct {
		Timestamp string `json:"timestamp"`
		OSVersion string `json:"os_version"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(line)), &h); err != nil {
		return iosVersionRecord{}, fmt.Errorf("first line is not a JSON header: %w", err)
	}
	rec := iosVersionRecord{OSVersion: h.OSVersion}
	// Parsing accepts the fraction after the seconds without a layout for it.
	t, err := time.Parse("2006-01-02 15:04:05 -0700", h.Timestamp)
	if err != nil {
		return rec, fmt.Errorf("header timestamp %q: %w", h.Timestamp, err)
	}
	// A zone offset can push year 0001 or 9999 out of four digits in UTC.
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return rec, fmt.Errorf("header timestamp %q out of range", h.Timestamp)
	}
	rec.Isodate = timeutil.Format(t)
	return rec, nil
}

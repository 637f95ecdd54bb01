package report

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// TimelineRow is one row of timeline.csv.
type TimelineRow struct {
	Timestamp string // as written
	Module    string
	Event     string
	Data      string
	// Time is Timestamp parsed (UTC, or device local time read as UTC);
	// zero when the text is not a time.
	Time time.Time
}

// maxCSVLine bounds one physical line of timeline.csv: the CSV reader holds
// a whole record, and a crafted file could be one endless line.
const maxCSVLine = 16 << 20

// timelineReader streams timeline.csv as MVT writes it: every field quoted,
// quotes doubled, and backslashes escaped with a backslash.
type timelineReader struct {
	cr    *csv.Reader
	local bool
}

func newTimelineReader(r io.Reader) (*timelineReader, error) {
	br := bufio.NewReader(r)
	// A byte-order mark (spreadsheet exports) would hide the header's quote.
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(&lineLimiter{r: br, max: maxCSVLine})
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("timeline.csv is empty")
		}
		return nil, fmt.Errorf("timeline.csv header: %w", err)
	}
	first := ""
	if len(head) > 0 {
		first = head[0]
	}
	t := &timelineReader{cr: cr}
	switch first {
	case "UTC Timestamp":
	case "Device Local Timestamp":
		t.local = true
	default:
		return nil, fmt.Errorf("timeline.csv does not start with MVT's header (first column %q)", clip(first, 40))
	}
	return t, nil
}

// timelineHeader reports whether a timeline.csv is in device local time.
func timelineHeader(r io.Reader) (local bool, err error) {
	t, err := newTimelineReader(r)
	if err != nil {
		return false, err
	}
	return t.local, nil
}

// Next returns the next row, or io.EOF. Rows with fewer than four fields
// are padded: a short row is still an event.
func (t *timelineReader) Next() (TimelineRow, error) {
	rec, err := t.cr.Read()
	if err != nil {
		return TimelineRow{}, err
	}
	var f [4]string
	for i := 0; i < len(rec) && i < 4; i++ {
		f[i] = unescapeCSV(rec[i])
	}
	row := TimelineRow{Timestamp: f[0], Module: f[1], Event: f[2], Data: f[3]}
	row.Time, _ = ParseTimestamp(row.Timestamp)
	return row, nil
}

// unescapeCSV undoes Python's escapechar='\\': a doubled backslash is one
// backslash. A lone backslash (older writers) is kept as it is.
func unescapeCSV(s string) string {
	if !strings.Contains(s, `\\`) {
		return s
	}
	return strings.ReplaceAll(s, `\\`, `\`)
}

// timestampLayouts are the timestamp shapes found in MVT and spyglass
// output, most common first.
var timestampLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999-0700",
	"2006-01-02",
}

// ParseTimestamp reads a timestamp as written in MVT's outputs. Text
// without a zone is read as UTC.
func ParseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || len(s) > 64 || s[4] != '-' {
		return time.Time{}, false
	}
	if t, ok := parseMVTMicros(s); ok {
		return t, true
	}
	for _, l := range timestampLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// lineLimiter fails a read once a physical line grows past max bytes.
type lineLimiter struct {
	r   io.Reader
	max int
	cur int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	// Line by line with IndexByte (memchr) rather than byte by byte: this
	// runs over every byte of a timeline that can reach gigabytes.
	for rest := p[:n]; ; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			l.cur += len(rest)
			break
		}
		if l.cur+i > l.max {
			l.cur += i
			break
		}
		l.cur, rest = 0, rest[i+1:]
	}
	if l.cur > l.max {
		return 0, fmt.Errorf("a line is longer than %d MiB", l.max>>20)
	}
	return n, err
}

// clip shortens s to at most n runes, for error messages.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// parseMVTMicros reads the one shape nearly every timeline row has,
// "2006-01-02 15:04:05.000000", without time.Parse: a large case has
// millions of rows and the general parser was a visible part of writing
// timeline.jsonl. Anything else (or an impossible date) returns false and
// goes through time.Parse, which then decides; the results agree (tested).
func parseMVTMicros(s string) (time.Time, bool) {
	if len(s) != 26 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' || s[19] != '.' {
		return time.Time{}, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	var v [7]int
	spans := [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 26}}
	for i, sp := range spans {
		n, ok := num(sp[0], sp[1])
		if !ok {
			return time.Time{}, false
		}
		v[i] = n
	}
	year, month, day, hour, minute, sec, micro := v[0], v[1], v[2], v[3], v[4], v[5], v[6]
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, micro*1000, time.UTC)
	if t.Day() != day { // 31 April and the like: time.Date would roll over
		return time.Time{}, false
	}
	return t, true
}

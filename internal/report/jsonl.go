package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// JSONLFile is the Timesketch timeline's name in a results folder.
const JSONLFile = "timeline.jsonl"

// jsonlEvent is one line of timeline.jsonl. Timesketch requires message,
// datetime and timestamp_desc; the other fields become searchable
// attributes. Field order is fixed so that files diff cleanly.
type jsonlEvent struct {
	Message       string `json:"message"`
	Datetime      string `json:"datetime"`
	TimestampDesc string `json:"timestamp_desc"`
	Module        string `json:"module"`
	Event         string `json:"event"`
	// Timestamp is microseconds since the Unix epoch: Timesketch's own
	// field, which its index maps as a number (a text value there makes
	// the import fail). For a device-local clock it counts as if the clock
	// were UTC, as datetime reads.
	Timestamp int64 `json:"timestamp"`
	// TimeZone says how to read datetime: "UTC", or "device local" when
	// the source recorded the phone's clock without its offset (Android).
	TimeZone string `json:"time_zone"`
	// DataType is Timesketch's parser name attribute.
	DataType string `json:"data_type"`
}

// JSONLWriter streams timeline events as Timesketch JSONL, one event per
// line. It is not safe for concurrent use; the run loop writes the merged
// timeline from one goroutine.
type JSONLWriter struct {
	w   *bufio.Writer
	buf []byte
	// DeviceLocal marks the timestamps as the phone's local clock (Android)
	// rather than UTC. Timesketch then shows them as if UTC; time_zone on
	// each line says so.
	DeviceLocal bool
	// Tap, if set, is offered every event written, with the time parsed
	// here (a check run writes timeline.jsonl and gathers report.html's
	// excerpts from the same sorted events: parsing each once).
	Tap     *WindowTap
	written int
	skipped int
}

// NewJSONLWriter returns a writer to w. Call Flush when done.
func NewJSONLWriter(w io.Writer) *JSONLWriter {
	return &JSONLWriter{w: bufio.NewWriter(w)}
}

// Write adds one event. An event whose timestamp is not a time is skipped
// (Timesketch rejects lines without a datetime) and counted in Skipped; the
// error is only for failed writes.
func (j *JSONLWriter) Write(ev module.TimelineEvent) error {
	t, ok := ParseTimestamp(ev.Timestamp)
	if !ok {
		j.skipped++
		return nil
	}
	if j.Tap != nil {
		j.Tap.add(ev, t)
	}
	layout, zone := "2006-01-02T15:04:05.000000Z07:00", "UTC"
	if j.DeviceLocal {
		// No offset: claiming +00:00 for a local clock would be a lie.
		layout, zone = "2006-01-02T15:04:05.000000", "device local"
	}
	msg := ev.Data
	if msg == "" {
		msg = ev.Event
	}
	// Written by hand rather than through encoding/json: a large case has
	// millions of events and reflection was a tenth of the whole run. The
	// bytes are those json.Encoder writes for jsonlEvent (tested).
	b := j.buf[:0]
	b = append(b, `{"message":`...)
	b = appendJSONString(b, msg)
	b = append(b, `,"datetime":"`...)
	b = t.AppendFormat(b, layout)
	b = append(b, `","timestamp_desc":`...)
	b = appendJSONString(b, timestampDesc(ev.Event))
	b = append(b, `,"module":`...)
	b = appendJSONString(b, ev.Module)
	b = append(b, `,"event":`...)
	b = appendJSONString(b, ev.Event)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, t.UnixMicro(), 10)
	b = append(b, `,"time_zone":"`...)
	b = append(b, zone...)
	b = append(b, `","data_type":"spyglass:timeline"}`+"\n"...)
	j.buf = b
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("writing %s: %w", JSONLFile, err)
	}
	j.written++
	return nil
}

// timestampDesc is Timesketch's "what this time is"; MVT's event names
// ("sms_received", "M-CB") say exactly that.
func timestampDesc(event string) string {
	if event == "" {
		return "Event Time"
	}
	return event
}

// Flush writes buffered lines.
func (j *JSONLWriter) Flush() error {
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", JSONLFile, err)
	}
	return nil
}

// Written is the number of lines written.
func (j *JSONLWriter) Written() int { return j.written }

// Skipped is the number of events left out for lack of a valid time.
func (j *JSONLWriter) Skipped() int { return j.skipped }

// ConvertTimelineCSV turns an MVT or spyglass timeline.csv into Timesketch
// JSONL, streaming. It returns the lines written and the rows skipped for
// lack of a valid time.
func ConvertTimelineCSV(in io.Reader, out io.Writer) (written, skipped int, err error) {
	tr, err := newTimelineReader(in)
	if err != nil {
		return 0, 0, err
	}
	jw := NewJSONLWriter(out)
	jw.DeviceLocal = tr.local
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return jw.written, jw.skipped, fmt.Errorf("reading timeline.csv: %w", err)
		}
		if err := jw.Write(module.TimelineEvent{Timestamp: row.Timestamp, Module: row.Module, Event: row.Event, Data: row.Data}); err != nil {
			return jw.written, jw.skipped, err
		}
	}
	return jw.written, jw.skipped, jw.Flush()
}

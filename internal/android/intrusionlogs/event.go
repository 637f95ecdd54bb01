package intrusionlogs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Event is one intrusion-log event: the event's own fields as logged, plus
// MVT's "timestamp" (event_time in the chosen zone, or UTC).
type Event struct {
	Fields    map[string]json.RawMessage `json:"-"`
	Timestamp string                     `json:"timestamp"`
}

// MarshalJSON writes the logged fields and the timestamp as one object.
func (e Event) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(e.Fields)+1)
	for k, v := range e.Fields {
		out[k] = v
	}
	if e.Timestamp != "" {
		out["timestamp"] = e.Timestamp
	} else {
		out["timestamp"] = nil
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a record written by MarshalJSON, for check-iocs.
func (e *Event) UnmarshalJSON(b []byte) error {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	e.Timestamp = str(f["timestamp"])
	delete(f, "timestamp")
	e.Fields = f
	return nil
}

// str reads a JSON string or the text of a number; "" otherwise.
func str(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// strs reads a JSON list of strings.
func strs(raw json.RawMessage) []string {
	var out []string
	_ = json.Unmarshal(raw, &out)
	return out
}

// object reads a JSON object, or nil.
func object(raw json.RawMessage) map[string]json.RawMessage {
	var out map[string]json.RawMessage
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}

// boolean reads true/false, or 1/0; def when absent or neither.
func boolean(raw json.RawMessage, def bool) bool {
	switch strings.TrimSpace(string(raw)) {
	case "true", "1", `"true"`:
		return true
	case "false", "0", `"false"`:
		return false
	}
	return def
}

// eventTime renders event_time (in units per second: 1e3 for ms, 1e9 for ns)
// in loc, or "" when absent.
func eventTime(raw json.RawMessage, perSecond int64, loc *time.Location) string {
	s := str(raw)
	if s == "" {
		return ""
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 1e20 {
		return ""
	}
	sec := v / float64(perSecond)
	if sec > 1e11 { // past year 5000: not a real event time
		return ""
	}
	t := time.Unix(int64(sec), int64((sec-float64(int64(sec)))*1e9)).In(loc)
	return t.Format("2006-01-02 15:04:05.000000")
}

// location is the zone chosen with --timezone (or, nested in AndroidQF, the
// device's), else UTC.
func location(in *module.Input) (*time.Location, error) {
	if in.Options.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(in.Options.Timezone)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: %w", in.Options.Timezone, err)
	}
	return loc, nil
}

func logger(in *module.Input) *slog.Logger {
	if in.Log != nil {
		return in.Log
	}
	return slog.New(slog.DiscardHandler)
}

// runType feeds every distinct event of typ to fn as an Event whose
// Timestamp is set from event_time (perSecond units).
func runType(ctx context.Context, in *module.Input, typ string, perSecond int64, warnUnknown bool, fn func(Event) error) error {
	logs, ok := in.Source.(*Logs)
	if !ok || logs == nil {
		return fmt.Errorf("this module needs intrusion logs, got %T", in.Source)
	}
	loc, err := location(in)
	if err != nil {
		return err
	}
	n := 0
	err = logs.eachEvent(typ, logger(in), warnUnknown, func(body json.RawMessage) error {
		f := object(body)
		if f == nil {
			return nil
		}
		n++
		if err := fn(Event{Fields: f, Timestamp: eventTime(f["event_time"], perSecond, loc)}); err != nil {
			return err
		}
		return ctx.Err()
	})
	if errors.Is(err, errNoFiles) {
		return module.NoData("no intrusion log (.txt) files in %s", logs.Name)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return module.NoData("no %s events in %s", typ, logs.Name)
	}
	return nil
}

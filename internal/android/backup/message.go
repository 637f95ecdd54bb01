package backup

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/timeutil"
)

// maxMessagesFile bounds one decompressed *_sms_backup / *_mms_backup file.
// Android writes them in chunks of about a thousand messages (a few hundred
// kilobytes); the bound only stops a zlib bomb.
const maxMessagesFile = 256 << 20

// Message is one SMS or MMS from the telephony provider's backup. Every field
// of the backup's JSON is kept as it was (Fields) and written back out, with
// MVT's additions: body (an MMS's mms_body), isodate, direction and links.
type Message struct {
	Fields    map[string]json.RawMessage `json:"-"`
	Body      string                     `json:"body"`
	ISODate   string                     `json:"isodate"`
	Direction string                     `json:"direction"`
	// Links is nil (and left out, as MVT does) when the body has text but
	// no link; an empty body gives an empty list.
	Links []string `json:"links,omitempty"`
	// LinksTruncated counts the links past ioc.MaxMessageLinks that Links
	// does not keep (spyglass's addition; left out when 0).
	LinksTruncated int `json:"-"`
	// MMS is true for an MMS entry (spyglass's addition, for the timeline).
	MMS bool `json:"-"`
}

// MarshalJSON writes the backup's own fields and the added ones as a single
// object, keys sorted, so <slug>.json has the shape MVT writes.
func (m Message) MarshalJSON() ([]byte, error) {
	out := make(map[string]any, len(m.Fields)+4)
	for k, v := range m.Fields {
		out[k] = v
	}
	delete(out, "mms_body")
	out["body"] = m.Body
	out["isodate"] = m.ISODate
	out["direction"] = m.Direction
	if m.Links != nil {
		out["links"] = m.Links
	}
	if m.LinksTruncated > 0 {
		out["links_truncated"] = m.LinksTruncated
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a record written by MarshalJSON (or by MVT), for
// check-iocs.
func (m *Message) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	*m = messageFrom(fields)
	if raw, ok := fields["links"]; ok {
		var links []string
		if json.Unmarshal(raw, &links) == nil {
			m.Links = links
		}
	}
	if s := str(fields["isodate"]); s != "" {
		m.ISODate = s
	}
	if s := str(fields["direction"]); s != "" {
		m.Direction = s
	}
	delete(m.Fields, "links")
	delete(m.Fields, "links_truncated")
	delete(m.Fields, "isodate")
	delete(m.Fields, "direction")
	delete(m.Fields, "body")
	return nil
}

// ParseMessages reads one *_sms_backup or *_mms_backup file: a zlib stream
// holding a JSON array of objects. The array is decoded one element at a
// time, and fn is called for each message.
func ParseMessages(r io.Reader, fn func(Message) error) error {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return fmt.Errorf("not zlib-compressed: %w", err)
	}
	defer zr.Close()
	lr := &io.LimitedReader{R: zr, N: maxMessagesFile + 1}
	dec := json.NewDecoder(lr)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not a JSON array: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return errors.New("not a JSON array")
	}
	for dec.More() {
		var fields map[string]json.RawMessage
		if err := dec.Decode(&fields); err != nil {
			if lr.N <= 0 {
				return fmt.Errorf("decompressed data larger than %d bytes", maxMessagesFile)
			}
			return fmt.Errorf("bad message entry: %w", err)
		}
		if fields == nil {
			continue
		}
		if err := fn(messageFrom(fields)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("unterminated JSON array: %w", err)
	}
	return nil
}

// messageFrom fills in the derived fields of one backup entry.
func messageFrom(fields map[string]json.RawMessage) Message {
	m := Message{Fields: fields}
	if raw, ok := fields["mms_body"]; ok {
		m.MMS = true
		m.Body = str(raw)
	} else {
		m.Body = str(fields["body"])
		_, m.MMS = fields["m_type"]
	}
	m.ISODate = messageTime(num(fields["date"]))
	m.Direction = direction(m.MMS, fields)
	m.Links, m.LinksTruncated = ioc.MessageLinks(m.Body, true)
	if m.Links == nil && strings.TrimSpace(m.Body) == "" {
		m.Links = []string{}
	}
	return m
}

// messageTime converts the "date" field. SMS dates are milliseconds; the
// telephony provider stores MMS dates in seconds. MVT divides both by 1000,
// which puts every MMS in January 1970; spyglass tells the two apart by
// magnitude (1e11 ms is March 1973, 1e11 s is year 5138).
func messageTime(v int64) string {
	if v <= 0 {
		return ""
	}
	if v < 1e11 {
		return timeutil.Format(time.Unix(v, 0))
	}
	return timeutil.Format(time.UnixMilli(v))
}

// direction says whether a message was sent or received. Android records it
// in "type" (SMS: 1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued) and
// "msg_box" (MMS: 1 inbox, 2 sent, 3 drafts, 4 outbox). MVT guesses from
// date_sent, which is set on received messages too; spyglass uses that guess
// only when neither field is there.
func direction(mms bool, f map[string]json.RawMessage) string {
	key := "type"
	if mms {
		key = "msg_box"
	}
	if raw, ok := f[key]; ok {
		switch num(raw) {
		case 1:
			return "received"
		case 2, 4, 5, 6:
			return "sent"
		case 3:
			return "draft"
		}
	}
	if num(f["date_sent"]) != 0 {
		return "sent"
	}
	return "received"
}

// str reads a JSON string, or the text of a JSON number; anything else is "".
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

// num reads an integer held as a JSON number or a decimal string; 0 if absent
// or not a number.
func num(raw json.RawMessage) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(str(raw)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

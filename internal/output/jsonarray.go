package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// indentedAppender is implemented by records that can write themselves
// already indented (the modules' ordered rows), saving the indent pass; the
// bytes must equal json.Indent of their MarshalJSON.
type indentedAppender interface {
	AppendIndentedJSON(b []byte, prefix, indent string) ([]byte, error)
}

// jsonArrayFile streams a JSON list to disk one element at a time, laid out
// as MVT's json.dump(indent=4) does, so a million SMS never sit in memory.
// It writes to a hidden temporary name and renames on success, so a crashed
// run never leaves a truncated file under the final name.
type jsonArrayFile struct {
	final string
	tmp   *os.File
	w     *AsyncFile
	n     int
	buf   bytes.Buffer
	// compact receives enc's output before it is laid out into buf.
	compact bytes.Buffer
	enc     *json.Encoder
	err     error
}

func newJSONArrayFile(path string) *jsonArrayFile {
	a := &jsonArrayFile{final: path}
	a.enc = json.NewEncoder(&a.compact)
	a.enc.SetEscapeHTML(false)
	return a
}

// add appends one element; the first error sticks and is returned by close.
func (a *jsonArrayFile) add(v any) {
	if a.err != nil {
		return
	}
	if a.w == nil {
		f, err := createTemp(a.final)
		if err != nil {
			a.err = fmt.Errorf("writing %s: %w", filepath.Base(a.final), err)
			return
		}
		a.tmp, a.w = f, NewAsyncFile(f)
		a.w.WriteString("[\n    ")
	} else {
		a.w.WriteString(",\n    ")
	}
	a.buf.Reset()
	// A record that marshals itself (the modules' ordered rows) is indented
	// in one pass: the Encoder would first re-scan and compact its output,
	// then indent it, for the same bytes. This halves the cost of writing a
	// million-row sms.json.
	if m, ok := v.(indentedAppender); ok {
		out, err := m.AppendIndentedJSON(a.buf.AvailableBuffer(), "    ", "    ")
		if err != nil {
			a.err = fmt.Errorf("encoding a record: %w", err)
			return
		}
		a.buf.Write(out)
	} else if m, ok := v.(json.Marshaler); ok {
		raw, err := m.MarshalJSON()
		if err == nil {
			err = json.Indent(&a.buf, raw, "    ", "    ")
		}
		if err != nil {
			a.err = fmt.Errorf("encoding a record: %w", err)
			return
		}
	} else {
		// Encoded compact, then laid out in one pass (appendIndentCompact):
		// the Encoder's own indentation re-scans every byte.
		a.compact.Reset()
		if err := a.enc.Encode(v); err != nil {
			a.err = fmt.Errorf("encoding a record: %w", err)
			return
		}
		a.buf.Write(appendIndentCompact(a.buf.AvailableBuffer(), bytes.TrimRight(a.compact.Bytes(), "\n"), "    ", "    "))
	}
	if _, err := a.w.Write(bytes.TrimRight(a.buf.Bytes(), "\n")); err != nil {
		a.err = err
	}
	a.n++
}

// close finishes the list and moves it into place; an empty list writes no
// file, as MVT does.
func (a *jsonArrayFile) close() error {
	if a.w == nil {
		return a.err
	}
	if a.err == nil {
		_, a.err = a.w.WriteString("\n]\n")
	}
	return finishTemp(a.final, a.tmp, errors.Join(a.err, a.w.Close()))
}

// writeJSON writes v to path with MVT's indentation.
func writeJSON(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encoding %s: %w", filepath.Base(path), err)
	}
	return WriteFileAtomic(path, buf.Bytes())
}

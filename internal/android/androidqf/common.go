// Package androidqf holds the modules that analyse an AndroidQF acquisition
// (packages.json, ps.txt, getprop.txt, settings_*.txt, files.json, logs/,
// root_binaries.json, mounts.json), one file per artifact.
package androidqf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
)

// Acquisition is what the modules need from an AndroidQF acquisition;
// *source.AndroidQF implements it.
type Acquisition interface {
	FS() fs.FS
	Has(name string) bool
	Glob(pattern string) []string
	ReadSmall(name string) ([]byte, error)
	DeviceTimezone() string
}

func acquisition(in *module.Input) (Acquisition, error) {
	a, ok := in.Source.(Acquisition)
	if !ok || a == nil {
		return nil, fmt.Errorf("this module needs an AndroidQF acquisition, got %T", in.Source)
	}
	return a, nil
}

// open opens an artifact for streaming, or returns module.NoData.
func open(a Acquisition, name string) (fs.File, error) {
	if !a.Has(name) {
		return nil, module.NoData("%s not found in the acquisition", name)
	}
	f, err := a.FS().Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// location is the zone device-local times are shown in: the user's choice,
// else the device's persist.sys.timezone, else UTC (as MVT).
func location(in *module.Input, a Acquisition) *time.Location {
	for _, name := range []string{in.Options.Timezone, a.DeviceTimezone()} {
		if name == "" {
			continue
		}
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	return time.UTC
}

// localTime renders a Unix time as device wall-clock time in MVT's layout.
func localTime(sec int64, loc *time.Location) string {
	return time.Unix(sec, 0).In(loc).Format("2006-01-02 15:04:05.000000")
}

// iocMessage is the sentence of an indicator alert.
func iocMessage(what, value string, m *ioc.Match) string {
	return fmt.Sprintf("Found a known suspicious %s %q matching indicator %q from %q", what, value, m.Value, m.Collection)
}

// decodeList streams the objects of a JSON array, or of newline-delimited
// JSON objects, calling fn for each. Memory is bounded by one element.
func decodeList[T any](r io.Reader, fn func(T) error) error {
	var first [1]byte
	br := &peekReader{r: r}
	dec := json.NewDecoder(br)
	n, err := br.peekNonSpace(first[:])
	if n == 0 {
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return nil // empty file: no records
	}
	if first[0] == '[' {
		if _, err := dec.Token(); err != nil {
			return err
		}
		for dec.More() {
			var v T
			if err := dec.Decode(&v); err != nil {
				return err
			}
			if err := fn(v); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	for {
		var v T
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
}

// peekReader lets decodeList look at the first non-space byte and then hand
// the whole stream to the decoder.
type peekReader struct {
	r    io.Reader
	head []byte
}

func (p *peekReader) peekNonSpace(b []byte) (int, error) {
	buf := make([]byte, 512)
	for {
		n, err := p.r.Read(buf)
		p.head = append(p.head, buf[:n]...)
		if t := bytes.TrimLeft(p.head, " \t\r\n"); len(t) > 0 {
			b[0] = t[0]
			return 1, nil
		}
		if err != nil {
			return 0, err
		}
		if len(p.head) > 1<<20 {
			return 0, errors.New("no JSON value in the first megabyte")
		}
	}
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// textStats counts what a line-oriented text artifact held while it is
// read, so that a file with content but not one line in the expected form
// (zero-filled, cut into binary, another command's output) is reported as
// damaged instead of passing for a clean file with nothing in it.
type textStats struct {
	r       io.Reader
	bytes   int64
	content bool // any byte other than ASCII white space
}

func (s *textStats) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.bytes += int64(n)
	if !s.content {
		for _, c := range p[:n] {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				s.content = true
				break
			}
		}
	}
	return n, err
}

// unrecognised is the outcome of a text artifact of which no line was
// understood: no data when it was blank, a module failure naming the file
// when it held something else.
func (s *textStats) unrecognised(name, expected string) error {
	if !s.content {
		return module.NoData("%s is empty", name)
	}
	return fmt.Errorf("%s: %d bytes but no %s: the file is damaged or is not what AndroidQF writes, so none of it was checked", name, s.bytes, expected)
}

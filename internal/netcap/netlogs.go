package netcap

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spyglass-forensics/spyglass/internal/module"
)

// EventCertificate is a certificate's names (Zeek x509.log).
const EventCertificate = "x509_certificate"

// maxLogLine bounds one log line (Zeek and Suricata lines are a few KB).
const maxLogLine = 4 << 20

// NetLogs is the evidence of check-netlogs: files or folders of Zeek logs
// and Suricata eve.json, as PiRogue and SpyGuard write them.
type NetLogs struct {
	Paths []string
}

// LogModules returns the network-log modules.
func LogModules() []module.Module { return []module.Module{Logs{}} }

// Logs reads Zeek dns/ssl/http/conn/x509 logs (TSV or JSON) and Suricata
// eve.json into the same events as captures.
type Logs struct{}

// Describe implements module.Module.
func (Logs) Describe() module.Descriptor {
	return module.Descriptor{
		Slug:        "network_logs",
		Description: "Zeek dns/ssl/http/conn/x509 logs (TSV or JSON) and Suricata eve.json",
		Artifact:    "Network logs written by Zeek or Suricata",
		Evidence:    []module.Evidence{module.NetworkLogs},
		Large:       true,
		Sensitive:   module.Fields{},
		Version:     1,
	}
}

// logKind says which parser reads a file, from its name; "" skips it.
func logKind(name string) string {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch {
	case strings.HasPrefix(n, "eve") && strings.HasSuffix(n, ".json"):
		return "eve"
	case !strings.HasSuffix(n, ".log") && !strings.HasSuffix(n, ".json"):
		return ""
	}
	for _, k := range []string{"dns", "ssl", "http", "conn", "x509"} {
		if strings.HasPrefix(n, k+".") || strings.HasPrefix(n, k+"_") {
			return k
		}
	}
	return ""
}

// Run implements module.Module.
func (m Logs) Run(ctx context.Context, in *module.Input, out module.Emitter) error {
	src, ok := in.Source.(*NetLogs)
	if !ok || src == nil {
		return fmt.Errorf("this module needs network logs, got %T", in.Source)
	}
	emit, _ := emitter(in, out, "NetworkLogs")
	var errs []error
	files := 0
	for _, root := range src.Paths {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() {
				return nil
			}
			kind := logKind(d.Name())
			if kind == "" {
				return nil
			}
			files++
			if err := readLog(ctx, p, kind, emit); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", p, err))
			}
			return ctx.Err()
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if files == 0 {
		return module.NoData("no Zeek log or Suricata eve.json in %s", strings.Join(src.Paths, ", "))
	}
	return nil
}

func readLog(ctx context.Context, p, kind string, emit func(Event)) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	br := bufio.NewReaderSize(r, 1<<16)
	if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 1<<16), maxLogLine)
	name := filepath.Base(p)
	z := &zeekTSV{sep: "\t"}
	for n := 0; sc.Scan(); n++ {
		line := sc.Text()
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		var ev Event
		var ok bool
		switch {
		case kind == "eve":
			ev, ok = eveEvent(line)
		case strings.HasPrefix(line, "{"):
			ev, ok = zeekJSON(kind, line)
		default:
			ev, ok = z.line(kind, line)
		}
		if ok {
			ev.Capture = name
			emit(ev)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading: %w", err)
	}
	return nil
}

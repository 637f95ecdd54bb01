package cli

import (
	"bufio"
	"errors"
	"os"
	"time"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/output"
	"github.com/spyglass-forensics/spyglass/internal/report"
)

// buildSummary gathers summary.json from what the run did.
func buildSummary(app *App, spec checkSpec, statuses []module.Status, alerts []alert.Alert, idx *ioc.Index, info *output.Info, start time.Time) *report.Summary {
	s := &report.Summary{
		Tool:        "spyglass",
		ToolVersion: app.Version,
		Command:     spec.command,
		Platform:    spec.platform,
		Started:     start.UTC(),
		Finished:    time.Now().UTC(),
	}
	s.CountAlerts(alerts)
	for _, st := range statuses {
		s.Modules = append(s.Modules, report.ModuleStatus{Name: st.Name, Version: st.Module.Version,
			Description: st.Module.Description, Artifact: st.Module.Artifact, Group: st.Group, Status: string(st.Outcome),
			Reason: st.Reason, Records: st.Records, Alerts: st.Alerts, Duration: st.Duration})
	}
	s.JudgeCoverage()
	if spec.describe != nil {
		s.Evidence = spec.describe()
	}
	s.Evidence.Path = info.TargetPath
	if s.Evidence.Type == "" {
		s.Evidence.Type = spec.evidenceType
	}
	s.Evidence.Hashes = info.HashesFile
	for _, f := range idx.Files() {
		s.Feeds = append(s.Feeds, report.Feed{Path: f.Path, SHA256: f.SHA256, Date: f.FeedDate, Indicators: f.Indicators, Collections: f.Collections})
	}
	return s
}

// jsonlFile is timeline.jsonl, written while timeline.csv is.
type jsonlFile struct {
	f *output.AsyncFile
	b *bufio.Writer
	w *report.JSONLWriter
}

func newJSONLFile(path string) (*jsonlFile, error) {
	f, err := output.CreateFile(path)
	if err != nil {
		return nil, err
	}
	af := output.NewAsyncFile(f)
	b := bufio.NewWriterSize(af, 1<<20)
	return &jsonlFile{f: af, b: b, w: report.NewJSONLWriter(b)}, nil
}

// close finishes the file; like timeline.csv, an empty timeline writes no
// file.
func (j *jsonlFile) close() error {
	err := errors.Join(j.w.Flush(), j.b.Flush(), j.f.Close())
	if err == nil && j.w.Written() == 0 {
		return os.Remove(j.f.Name())
	}
	return err
}

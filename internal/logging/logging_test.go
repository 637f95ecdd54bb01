package logging

import (
	"bytes"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

func TestFileHandlerUsesMVTLineFormat(t *testing.T) {
	var file, console bytes.Buffer
	log := slog.New(Fanout{NewConsoleHandler(&console, slog.LevelInfo), NewFileHandler(&file, slog.LevelDebug)})
	log.With("module", "sms").Info("module finished", "records", 3)
	log.Debug("only in the file", "path", "a b")

	lines := strings.Split(strings.TrimSpace(file.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("command.log lines = %q", lines)
	}
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - spyglass\.sms - INFO - module finished records=3$`)
	if !re.MatchString(lines[0]) {
		t.Errorf("file line %q does not match %s", lines[0], re)
	}
	if !strings.HasSuffix(lines[1], `- spyglass - DEBUG - only in the file path="a b"`) {
		t.Errorf("debug line %q", lines[1])
	}
	if got := console.String(); got != "module finished module=sms records=3\n" {
		t.Errorf("console = %q", got)
	}
}

package logging

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestEscapeControlAndBidi(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"iPhone de Ana", "iPhone de Ana"},
		{"Téléphone 📱", "Téléphone 📱"},
		{"\x1b]0;owned\x07", `\x1b]0;owned\x07`},
		{"\x1b]52;c;ZWNobyBvd25lZA==\x07", `\x1b]52;c;ZWNobyBvd25lZA==\x07`},
		{"\x1b[2J", `\x1b[2J`},
		{"a\x7fb", `a\x7fb`},
		{"csi\u009b31m", `csi\u009b31m`},
		{"raw \x9b byte", `raw \x9b byte`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"\u2066iso\u2069", `\u2066iso\u2069`},
		{"line\nforged - INFO - clean\r", `line\nforged - INFO - clean\r`},
		{"tab\there", `tab\there`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// Evidence text reaches the log as a message (fmt.Sprintf'd in) and as an
// attribute value; neither may carry a raw control character to the
// terminal or to command.log.
func TestHandlersEscapeMessagesAndValues(t *testing.T) {
	var file, console bytes.Buffer
	log := slog.New(Fanout{NewConsoleHandler(&console, slog.LevelInfo), NewFileHandler(&file, slog.LevelDebug)})
	evil := "Ana\x1b]0;pwned\x07\x1b[2J\u009b\u202e"
	log.With("module", "sms"+evil).Info("device "+evil, "name", evil, "spaced", "a "+evil+` "q"`, evil, 1)
	for name, out := range map[string]string{"file": file.String(), "console": console.String()} {
		if strings.ContainsAny(out, "\x1b\x07\u009b\u202e") {
			t.Errorf("%s output carries a raw control character: %q", name, out)
		}
		if strings.Count(out, "\n") != 1 {
			t.Errorf("%s output is not one line: %q", name, out)
		}
	}
	if want := ` spaced="a Ana\x1b]0;pwned\x07\x1b[2J\u009b\u202e \"q\""`; !strings.Contains(console.String(), want) {
		t.Errorf("console = %q, want it to contain %q", console.String(), want)
	}
}

func BenchmarkEscapePlain(b *testing.B) {
	s := strings.Repeat("module finished records=3 ", 4)
	for b.Loop() {
		_ = Escape(s)
	}
}

package bugreport

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// headedProvider serves a section fixture as dumpsys text, adding the
// "DUMP OF SERVICE" header when the file starts without one.
type headedProvider struct{ file, service string }

func (p headedProvider) OpenDumpsys() (io.ReadCloser, string, error) {
	b, err := os.ReadFile(filepath.Join("testdata", p.file))
	if err != nil {
		return nil, p.file, err
	}
	s := string(b)
	if !strings.Contains(s, "DUMP OF SERVICE "+p.service+":") {
		s = "DUMP OF SERVICE " + p.service + ":\n" + s
	}
	return io.NopCloser(strings.NewReader(s)), p.file, nil
}

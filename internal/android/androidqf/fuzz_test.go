package androidqf

import (
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzArtifacts feeds arbitrary bytes to every JSON/text parser of the
// AndroidQF modules: packages.json, files.json, processes.json (array or
// NDJSON), ps.txt lines and mount lines.
func FuzzArtifacts(f *testing.F) {
	for _, name := range []string{"packages.json", "files.json", "root_binaries.json", "ps.txt", "getprop.txt"} {
		b, err := os.ReadFile("testdata/androidqf/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"path":"/a","modified_time":1e300}` + "\n" + `{"path":"/b"}`))
	f.Add([]byte("/dev/x on /system type ext4 (rw)"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		_ = decodeList(strings.NewReader(s), func(Package) error { return nil })
		_ = decodeList(strings.NewReader(s), func(r rawFile) error {
			_ = optTime(r.ModifiedTime, time.UTC)
			return nil
		})
		_ = decodeList(strings.NewReader(s), func(c collectorProcess) error { _ = c.process(); return nil })
		_ = parsePS(strings.NewReader(s), func(Process) error { return nil })
		for _, l := range strings.Split(s, "\n") {
			ParseMountLine(l)
		}
	})
}

package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// zipEntry is one file of a test archive.
type zipEntry struct {
	name string
	data []byte
}

func makeZip(t *testing.T, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		// CreateHeader, not Create: the names are written as given, unsafe
		// or not.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeBomb writes to w a zip entry that inflates to size bytes of fill
// from about size/1032 bytes: once the window is full of one byte, every
// flushed 1 MiB block of it compresses to the same bytes, so one block is
// written many times instead of compressing gigabytes.
func writeBomb(t *testing.T, zw *zip.Writer, name string, fill byte, size int64) {
	t.Helper()
	const chunk = 1 << 20
	block := bytes.Repeat([]byte{fill}, chunk)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	next := func() []byte {
		buf.Reset()
		fw.Write(block)
		fw.Flush()
		return append([]byte(nil), buf.Bytes()...)
	}
	first, repeat := next(), next()
	if !bytes.Equal(repeat, next()) {
		t.Fatal("flate blocks differ; cannot build the bomb this way")
	}
	buf.Reset()
	fw.Close()
	final := buf.Bytes()
	n := size / chunk
	crc := uint32(0)
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, block)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc, Modified: time.Now(),
		CompressedSize64:   uint64(len(first)) + uint64(n-1)*uint64(len(repeat)) + uint64(len(final)),
		UncompressedSize64: uint64(n) * chunk})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(first)
	for range n - 1 {
		w.Write(repeat)
	}
	w.Write(final)
}

// bombZip is a zip of small files plus one 10 GB entry of zeros.
func bombZip(t *testing.T, p, bombName string, small ...zipEntry) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range small {
		w, _ := zw.Create(e.name)
		w.Write(e.data)
	}
	writeBomb(t, zw, bombName, 0, 10<<30)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := f.Stat(); st.Size() > 16<<20 {
		t.Fatalf("bomb is %d bytes on disk", st.Size())
	}
}

const dnsEventLine = `{"dns_event":{"event_time":1750352400000,"hostname":"news.example.net","ip_addresses":["/203.0.113.7"],"package_name":"com.android.chrome","total_resolved_address_count":1}}` + "\n"

// archiveCommands are the commands that take a zip, with the smallest
// content each recognises.
var archiveCommands = []struct {
	name  string
	args  []string
	legit zipEntry
}{
	{"check-bugreport", []string{"android", "check-bugreport"}, zipEntry{"dumpstate.txt", []byte("== dumpstate\n")}},
	{"check-androidqf", []string{"android", "check-androidqf", "-n"}, zipEntry{"getprop.txt", []byte("[ro.build.version.release]: [14]\n")}},
	{"check-intrusion-logs", []string{"android", "check-intrusion-logs"}, zipEntry{"2025-06-19.txt", []byte(dnsEventLine)}},
}

// TestHostileZipNames: a name that could escape the archive makes the whole
// archive refused, with one sentence, before anything is read; nothing is
// written anywhere.
func TestHostileZipNames(t *testing.T) {
	names := []string{"../escape.txt", "a/../../escape.txt", "/etc/escape.txt", "C:/escape.txt", `C:\escape.txt`,
		`..\escape.txt`, "a\x00.txt", "dumpstate.txt"}
	for _, cmd := range archiveCommands {
		for _, bad := range names {
			if bad == "dumpstate.txt" {
				// Twice the same name: which one is the evidence?
				bad = cmd.legit.name
			}
			t.Run(cmd.name+"/"+strings.ReplaceAll(bad, "\x00", "NUL"), func(t *testing.T) {
				dir := t.TempDir()
				ev := filepath.Join(dir, "ev")
				writeAll(t, filepath.Join(ev, "evil.zip"), makeZip(t, cmd.legit, zipEntry{bad, []byte("planted")}))
				ageTree(t, dir)
				before := treeHashes(t, dir)
				out := t.TempDir()
				app, stdout, stderr := testApp(t)
				code := run(t, app, append(append([]string{}, cmd.args...), "--no-default-iocs", "-q", "-o", out, filepath.Join(ev, "evil.zip"))...)
				if code != 1 {
					t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
				}
				if msg := lastLine(stderr.String()); !oneSentence(stderr.String()) || !strings.Contains(msg, "evil.zip") ||
					!(strings.Contains(msg, "unsafe entry name") || strings.Contains(msg, "twice")) {
					t.Errorf("message %q", msg)
				}
				if !maps.Equal(before, treeHashes(t, dir)) {
					t.Error("files appeared or changed beside the evidence")
				}
			})
		}
	}
}

// TestHostileZipBomb gives each command a 10 MB zip whose one entry inflates
// to 10 GB of zeros, where the command's main artifact is expected: the
// entry is refused at once, with a sentence naming it, and the run ends
// normally.
func TestHostileZipBomb(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		bomb     string
		small    []zipEntry
		failures []string // modules that must fail naming the bomb
	}{
		{"check-bugreport", []string{"android", "check-bugreport"}, "dumpstate.txt",
			[]zipEntry{{"main_entry.txt", []byte("dumpstate.txt")}}, []string{"dumpsys_appops", "dumpsys_packages"}},
		{"check-androidqf", []string{"android", "check-androidqf", "-n"}, "dumpsys.txt",
			[]zipEntry{{"getprop.txt", []byte("[ro.build.version.release]: [14]\n")}}, []string{"androidqf/dumpsys_appops", "androidqf/dumpsys_packages"}},
		{"check-intrusion-logs", []string{"android", "check-intrusion-logs"}, "1.txt",
			[]zipEntry{{"2.txt", []byte(dnsEventLine)}}, []string{"dns_event", "connect_event", "security_event"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bomb.zip")
			bombZip(t, p, c.bomb, c.small...)
			start := time.Now()
			code, out, msg := runHostile(t, append(c.args, "--no-default-iocs"), p)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, msg)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("the bomb took %s", d)
			}
			s := readSummary(t, out)
			assertNoInternalError(t, out, s)
			mods := moduleMap(s)
			for _, name := range c.failures {
				m := mods[name]
				if m.Status != "failed" || !strings.Contains(m.Reason, c.bomb) || !strings.Contains(m.Reason, "decompression bomb") {
					t.Errorf("%s: %s %q", name, m.Status, m.Reason)
				}
			}
		})
	}
	t.Run("check-intrusion-logs reads the rest", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "bomb.zip")
		bombZip(t, p, "1.txt", zipEntry{"2.txt", []byte(dnsEventLine)})
		_, out, _ := runHostile(t, []string{"android", "check-intrusion-logs", "--no-default-iocs"}, p)
		if n := countRecords(t, out, "dns_event"); n != 1 {
			t.Errorf("dns_event: %d records beside the bomb, want 1", n)
		}
	})
}

// TestHostileZipLyingSize: an entry declaring 1 KiB that inflates to
// 10 MiB is cut at the declared size with an error naming it.
func TestHostileZipLyingSize(t *testing.T) {
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	io.Copy(fw, io.LimitReader(repeatReader("[ro.x]: [y]\n"), 10<<20))
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("main_entry.txt")
	w.Write([]byte("dumpstate.txt"))
	raw, _ := zw.CreateRaw(&zip.FileHeader{Name: "dumpstate.txt", Method: zip.Deflate,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1024})
	raw.Write(comp.Bytes())
	zw.Close()
	p := filepath.Join(t.TempDir(), "liar.zip")
	writeAll(t, p, buf.Bytes())
	code, out, msg := runHostile(t, []string{"android", "check-bugreport", "--no-default-iocs"}, p)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	s := readSummary(t, out)
	assertNoInternalError(t, out, s)
	m := moduleMap(s)["dumpsys_appops"]
	if m.Status != "failed" || !strings.Contains(m.Reason, "dumpstate.txt") {
		t.Errorf("dumpsys_appops on a lying entry: %s %q", m.Status, m.Reason)
	}
}

type repeatReader string

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}

// TestHostileNestedZips: an intrusion-log export holding zips nested deeper
// than the limit is read up to the limit; the deeper part is reported, the
// rest read. Inside an AndroidQF zip, the same export nested one level more.
func TestHostileNestedZips(t *testing.T) {
	deep := []byte(dnsEventLine)
	name := "deep.txt"
	for i := range 6 {
		deep = makeZip(t, zipEntry{name, deep})
		name = "level" + string(rune('a'+i)) + ".zip"
	}
	ev := filepath.Join(t.TempDir(), "logs.zip")
	writeAll(t, ev, makeZip(t, zipEntry{name, deep},
		zipEntry{"day.txt", []byte(strings.Replace(dnsEventLine, "news.example.net", "other.example.net", 1))}))
	code, out, msg := runHostile(t, []string{"android", "check-intrusion-logs", "--no-default-iocs"}, ev)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, msg)
	}
	s := readSummary(t, out)
	assertNoInternalError(t, out, s)
	m := moduleMap(s)["dns_event"]
	if m.Records != 1 || !strings.Contains(m.Reason, "nested more than") {
		t.Errorf("dns_event: %d records, %s %q", m.Records, m.Status, m.Reason)
	}
}

package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
)

// FuzzHeader feeds arbitrary bytes to the header parser and, when a header
// is accepted, to the whole reader (decrypt, decompress, tar).
func FuzzHeader(f *testing.F) {
	for _, name := range []string{"backup.ab", "backup2.ab", "backup3.ab"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:min(len(b), 600)])
	}
	f.Add([]byte("ANDROID BACKUP\n5\n1\nnone\n"))
	// Uncompressed, with names that try to leave the archive root.
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, n := range []string{"apps/a/../../x", "/abs", "apps/com.android.providers.telephony/d_f/000000_sms_backup"} {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o600, Size: 2, Typeflag: tar.TypeReg})
		tw.Write([]byte("[]"))
	}
	tw.Close()
	f.Add(append([]byte("ANDROID BACKUP\n5\n0\nnone\n"), tb.Bytes()...))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadHeader(bufio.NewReader(bytes.NewReader(data)))
		if err == nil && h.Encrypted() && (len(h.UserIV) != 16 || h.Rounds < 1) {
			t.Fatalf("accepted impossible header %+v", h)
		}
		if err == nil && h.Rounds > 20000 {
			return // keep the fuzzer fast; the bound itself is tested elsewhere
		}
		tr, _, err := NewReader(bytes.NewReader(data), []byte("123456"))
		if err != nil {
			return
		}
		_ = walkTar(tr, func(string) bool { return true }, func(e Entry, r io.Reader) error {
			// Names reaching the modules stay inside the archive root.
			if !fs.ValidPath(e.Name) || slices.Contains(strings.Split(e.Name, "/"), "..") {
				t.Fatalf("entry name %q escapes the archive", e.Name)
			}
			_, err := io.Copy(io.Discard, io.LimitReader(r, 1<<20))
			return err
		})
	})
}

// FuzzMessages feeds arbitrary JSON (zlib-compressed) to the SMS/MMS parser.
func FuzzMessages(f *testing.F) {
	f.Add([]byte(`[{"address":"1","body":"x https://a.b/","date":"1645543781956","date_sent":"0","type":"1"}]`))
	f.Add([]byte(`[{"date": 1579531789, "mms_body": "hi http://google.com", "msg_box": "2"}]`))
	f.Add([]byte(`[{"body": null, "date": {"a":1}}, 5, "x", []]`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var buf bytes.Buffer
		zw := zlibWriter(&buf)
		zw.Write(data)
		zw.Close()
		_ = ParseMessages(&buf, func(m Message) error {
			if _, err := m.MarshalJSON(); err != nil {
				t.Fatalf("marshal: %v", err)
			}
			return nil
		})
	})
}

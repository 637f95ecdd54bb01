package email

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/alert"
	"github.com/spyglass-forensics/spyglass/internal/ioc"
	"github.com/spyglass-forensics/spyglass/internal/lookalike"
)

// BenchmarkMbox measures check-email's reading and checking speed on a 64 MB mbox of ordinary
// messages (text, HTML with links, a 200 kB base64 attachment); b.SetBytes reports MB/s.
func BenchmarkMbox(b *testing.B) {
	var mbox bytes.Buffer
	att := strings.Repeat("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\n", 3000)
	for i := 0; mbox.Len() < 64<<20; i++ {
		fmt.Fprintf(&mbox, "From a@b Mon Sep  2 10:00:00 2019\nFrom: Alice <alice%d@example.org>\nSubject: note %d\nDate: Mon, 02 Sep 2019 10:00:00 +0000\n"+
			"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/html\n\n<p>see <a href=\"https://www.amnesty.org/en/%d\">report</a> and https://docs.google.com/d/%d</p>\n"+
			"--x\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n%s--x--\n\n", i, i, i, i, att)
	}
	data := mbox.Bytes()
	idx := ioc.NewIndex()
	c := lookalike.New(lookalike.DefaultBrands())
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mb := newMboxReader(bytes.NewReader(data))
		for j := 1; ; j++ {
			r, err := mb.next()
			if err != nil {
				break
			}
			m, err := parseMessage(r, "bench.mbox", j)
			if err != nil {
				b.Fatal(err)
			}
			checkMessage(idx, c, m, nil, func(alert.Alert) {})
			_, _ = io.Copy(io.Discard, r)
		}
	}
}

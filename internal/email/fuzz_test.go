package email

import (
	"bytes"
	"io"
	"testing"
)

// FuzzParseMessage: any bytes as one message, or as an mbox: no panic, no hang, bounded output.
func FuzzParseMessage(f *testing.F) {
	f.Add([]byte(phish))
	f.Add([]byte(clean))
	f.Add([]byte("From a@b x\nFrom: x@y\nContent-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: message/rfc822\n\nFrom: z@w\n\nhi\n--a--\n>From q\nFrom c@d y\n\n"))
	f.Add([]byte("Content-Type: text/plain; charset=x-bogus\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseMessage(bytes.NewReader(data), "f.eml", 1)
		if err == nil && len(m.Links) > maxLinks {
			t.Fatalf("%d links", len(m.Links))
		}
		mb := newMboxReader(bytes.NewReader(data))
		for i := 0; i < len(data)+2; i++ {
			r, err := mb.next()
			if err != nil {
				return
			}
			_, _ = parseMessage(r, "f.mbox", i)
			_, _ = io.Copy(io.Discard, r)
		}
		t.Fatal("the mbox reader did not end")
	})
}

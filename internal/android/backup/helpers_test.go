package backup

import (
	"bytes"
	"compress/zlib"
	"io"
	"testing"
)

func zlibReader(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }

func zlibBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func zlibWriter(w io.Writer) *zlib.Writer { return zlib.NewWriter(w) }

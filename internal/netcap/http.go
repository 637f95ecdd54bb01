package netcap

import (
	"bytes"
	"strings"
)

// maxHTTPHead bounds the request head kept to read the Host header.
const maxHTTPHead = 16 << 10

var httpMethods = [][]byte{[]byte("GET "), []byte("POST "), []byte("PUT "), []byte("HEAD "),
	[]byte("DELETE "), []byte("OPTIONS "), []byte("PATCH "), []byte("CONNECT ")}

// looksHTTP says whether a stream starts like an HTTP/1.x request.
func looksHTTP(b []byte) bool {
	for _, m := range httpMethods {
		n := min(len(b), len(m))
		if n > 0 && bytes.Equal(b[:n], m[:n]) {
			return true
		}
	}
	return false
}

// httpRequest reads the method, target and Host header of the request head
// at the start of b; done is false while the head is incomplete.
func httpRequest(b []byte) (method, target, host string, done bool) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) < maxHTTPHead {
			return "", "", "", false
		}
		end = len(b)
	}
	lines := strings.Split(string(b[:end]), "\r\n")
	parts := strings.SplitN(lines[0], " ", 3)
	if len(parts) >= 2 {
		method, target = parts[0], parts[1]
	}
	for _, l := range lines[1:] {
		k, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(strings.TrimSpace(k), "host") {
			host = cleanHost(v)
			break
		}
	}
	return method, target, host, true
}

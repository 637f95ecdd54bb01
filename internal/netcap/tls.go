package netcap

import (
	"encoding/binary"
	"strings"
)

// maxHello bounds the handshake bytes kept to read a ClientHello: real ones
// are under 2 KB (8 KB with post-quantum key shares). One claiming more is
// not followed.
const maxHello = 64 << 10

// helloState is the result of looking at a client's first bytes.
type helloState int

const (
	helloNeedMore helloState = iota
	helloDone                // SNI read (or the hello has none)
	helloNotTLS              // not a TLS handshake: stop looking
)

// tlsRecordsSNI reads the SNI from TLS records (a ClientHello possibly
// split over several records and segments) at the start of a stream.
func tlsRecordsSNI(b []byte) (string, helloState) {
	var hs []byte
	for len(b) > 0 {
		if len(b) < 5 {
			return "", helloNeedMore
		}
		if b[0] != 0x16 || b[1] != 3 {
			return "", helloNotTLS
		}
		l := int(binary.BigEndian.Uint16(b[3:5]))
		if len(b) < 5+l {
			hs = append(hs, b[5:]...)
			break
		}
		hs = append(hs, b[5:5+l]...)
		b = b[5+l:]
		if sni, st := clientHelloSNI(hs); st != helloNeedMore {
			return sni, st
		}
	}
	return clientHelloSNI(hs)
}

// clientHelloSNI reads the server_name extension of a handshake message
// stream starting with a ClientHello (TLS over TCP, or QUIC CRYPTO data).
func clientHelloSNI(hs []byte) (string, helloState) {
	if len(hs) < 4 {
		return "", helloNeedMore
	}
	if hs[0] != 1 {
		return "", helloNotTLS
	}
	l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
	if l > maxHello {
		return "", helloNotTLS
	}
	if len(hs) < 4+l {
		return "", helloNeedMore
	}
	p := hs[4 : 4+l]
	// version(2) random(32) session_id cipher_suites compression_methods
	if len(p) < 35 {
		return "", helloNotTLS
	}
	p = p[34:]
	var ok bool
	if p, ok = skipVec(p, 1); !ok {
		return "", helloNotTLS
	}
	if p, ok = skipVec(p, 2); !ok {
		return "", helloNotTLS
	}
	if p, ok = skipVec(p, 1); !ok {
		return "", helloNotTLS
	}
	if len(p) < 2 {
		return "", helloDone // no extensions
	}
	el := int(binary.BigEndian.Uint16(p))
	p = p[2:]
	if el < len(p) {
		p = p[:el]
	}
	for len(p) >= 4 {
		typ := binary.BigEndian.Uint16(p)
		n := int(binary.BigEndian.Uint16(p[2:]))
		if len(p) < 4+n {
			return "", helloNotTLS
		}
		if typ == 0 {
			return serverName(p[4 : 4+n]), helloDone
		}
		p = p[4+n:]
	}
	return "", helloDone
}

// serverName reads the host_name entry of a server_name extension.
func serverName(p []byte) string {
	if len(p) < 2 {
		return ""
	}
	p = p[2:]
	for len(p) >= 3 {
		n := int(binary.BigEndian.Uint16(p[1:]))
		if len(p) < 3+n {
			return ""
		}
		if p[0] == 0 {
			return cleanHost(string(p[3 : 3+n]))
		}
		p = p[3+n:]
	}
	return ""
}

func skipVec(p []byte, lenBytes int) ([]byte, bool) {
	if len(p) < lenBytes {
		return nil, false
	}
	n := int(p[0])
	if lenBytes == 2 {
		n = int(binary.BigEndian.Uint16(p))
	}
	if len(p) < lenBytes+n {
		return nil, false
	}
	return p[lenBytes+n:], true
}

// cleanHost lower-cases a host name and drops its trailing dot, control
// characters and anything after a NUL.
func cleanHost(h string) string {
	if i := strings.IndexByte(h, 0); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, h)
}

package netcap

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
)

// serverCert is the leaf certificate a TLS 1.2 server sends in the clear.
type serverCert struct {
	Names  []string
	SHA1   string
	SHA256 string
	Issuer string
	Self   bool // issuer and subject are the same
}

// serverCertificate reads the server's handshake records until the
// Certificate message. TLS 1.3 encrypts it: a ChangeCipherSpec or
// application data before any Certificate ends the search.
func serverCertificate(b []byte) (*serverCert, helloState) {
	var hs []byte
	for len(b) >= 5 {
		l := int(binary.BigEndian.Uint16(b[3:5]))
		if b[0] != 0x16 || b[1] != 3 {
			return nil, helloNotTLS
		}
		if len(b) < 5+l {
			hs = append(hs, b[5:]...)
			b = nil
			break
		}
		hs = append(hs, b[5:5+l]...)
		b = b[5+l:]
	}
	for len(hs) >= 4 {
		typ := hs[0]
		l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		if l > maxHello {
			return nil, helloNotTLS
		}
		if len(hs) < 4+l {
			return nil, helloNeedMore
		}
		if typ == 11 {
			return parseCertificateMsg(hs[4 : 4+l])
		}
		hs = hs[4+l:]
	}
	if len(b) > 0 && len(b) < 5 {
		return nil, helloNeedMore
	}
	if len(b) >= 5 { // a non-handshake record came first
		return nil, helloNotTLS
	}
	return nil, helloNeedMore
}

func parseCertificateMsg(p []byte) (*serverCert, helloState) {
	if len(p) < 6 {
		return nil, helloNotTLS
	}
	p = p[3:] // certificate_list length; each entry is a 3-byte length and DER
	l := int(p[0])<<16 | int(p[1])<<8 | int(p[2])
	if l < 3 || len(p) < 3+l {
		return nil, helloNotTLS
	}
	der := p[3 : 3+l] // the first certificate is the server's own
	s1, s256 := sha1.Sum(der), sha256.Sum256(der)
	c := &serverCert{SHA1: hex.EncodeToString(s1[:]), SHA256: hex.EncodeToString(s256[:])}
	if cert, err := x509.ParseCertificate(der); err == nil {
		if cn := cleanHost(cert.Subject.CommonName); cn != "" {
			c.Names = appendName(c.Names, cn)
		}
		for _, n := range cert.DNSNames {
			c.Names = appendName(c.Names, cleanHost(n))
		}
		c.Issuer = cert.Issuer.String()
		c.Self = string(cert.RawIssuer) == string(cert.RawSubject)
	}
	return c, helloDone
}

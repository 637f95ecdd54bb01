package netcap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"
)

// QUIC v1 Initial packets are encrypted with keys derived from the
// client's first Destination Connection ID and a public salt (RFC 9001
// section 5.2), so any observer can read the ClientHello they carry.

// quicV1Salt is initial_salt of RFC 9001 section 5.2.
var quicV1Salt = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
	0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}

// maxQUICInitials bounds the client Initial packets read per flow before
// giving up on the ClientHello.
const maxQUICInitials = 8

// maxCryptoFrames bounds the CRYPTO frames held per flow.
const maxCryptoFrames = 64

type initialKeys struct {
	aead cipher.AEAD
	iv   []byte
	hp   cipher.Block
}

// expandLabel is TLS 1.3's HKDF-Expand-Label with an empty context.
func expandLabel(secret []byte, label string, n int) []byte {
	full := "tls13 " + label
	info := append([]byte{byte(n >> 8), byte(n), byte(len(full))}, full...)
	info = append(info, 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), n)
	if err != nil {
		panic(err) // n is a constant below the SHA-256 limit
	}
	return out
}

// clientInitialSecret is client_initial_secret for dcid.
func clientInitialSecret(dcid []byte) []byte {
	initial, err := hkdf.Extract(sha256.New, dcid, quicV1Salt)
	if err != nil {
		panic(err)
	}
	return expandLabel(initial, "client in", 32)
}

func clientInitialKeys(dcid []byte) (*initialKeys, error) {
	secret := clientInitialSecret(dcid)
	block, err := aes.NewCipher(expandLabel(secret, "quic key", 16))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	hp, err := aes.NewCipher(expandLabel(secret, "quic hp", 16))
	if err != nil {
		return nil, err
	}
	return &initialKeys{aead: aead, iv: expandLabel(secret, "quic iv", 12), hp: hp}, nil
}

// varint reads a QUIC variable-length integer.
func varint(b []byte) (uint64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	n := 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0, false
	}
	v := uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n, true
}

// initialHeader locates the parts of a QUIC v1 Initial packet.
type initialHeader struct {
	dcid     []byte
	pnOffset int
	end      int // end of this packet (coalesced packets may follow)
}

func parseInitialHeader(b []byte) (h initialHeader, ok bool) {
	if len(b) < 7 || b[0]&0xc0 != 0xc0 || (b[0]>>4)&3 != 0 || binary.BigEndian.Uint32(b[1:5]) != 1 {
		return h, false
	}
	off := 5
	dl := int(b[off])
	if dl > 20 || off+1+dl+1 > len(b) {
		return h, false
	}
	h.dcid = b[off+1 : off+1+dl]
	off += 1 + dl
	sl := int(b[off])
	if sl > 20 || off+1+sl > len(b) {
		return h, false
	}
	off += 1 + sl
	tl, n, good := varint(b[off:])
	if !good || tl > uint64(len(b)) {
		return h, false
	}
	off += n + int(tl)
	if off > len(b) {
		return h, false
	}
	length, n, good := varint(b[off:])
	if !good {
		return h, false
	}
	off += n
	if length < 20 || length > uint64(len(b)-off) {
		return h, false
	}
	h.pnOffset, h.end = off, off+int(length)
	return h, true
}

// openInitial removes header protection and decrypts one client Initial;
// it returns the plaintext frames.
func openInitial(b []byte, h initialHeader, k *initialKeys) ([]byte, bool) {
	if h.pnOffset+4+16 > h.end {
		return nil, false
	}
	var mask [16]byte
	k.hp.Encrypt(mask[:], b[h.pnOffset+4:h.pnOffset+20])
	first := b[0] ^ (mask[0] & 0x0f)
	pnLen := int(first&3) + 1
	hdr := slices.Clone(b[:h.pnOffset+pnLen])
	hdr[0] = first
	var pn uint64
	for i := 0; i < pnLen; i++ {
		hdr[h.pnOffset+i] ^= mask[1+i]
		pn = pn<<8 | uint64(hdr[h.pnOffset+i])
	}
	nonce := slices.Clone(k.iv)
	for i := 0; i < 8; i++ {
		nonce[4+i] ^= byte(pn >> (56 - 8*i))
	}
	plain, err := k.aead.Open(nil, nonce, b[h.pnOffset+pnLen:h.end], hdr)
	return plain, err == nil
}

// cryptoFrames collects the CRYPTO frames of a decrypted Initial payload.
func cryptoFrames(p []byte, add func(off uint64, data []byte)) bool {
	for len(p) > 0 {
		typ, n, ok := varint(p)
		if !ok {
			return false
		}
		p = p[n:]
		var vals []uint64
		read := func(k int) bool {
			vals = vals[:0]
			for i := 0; i < k; i++ {
				v, n, ok := varint(p)
				if !ok {
					return false
				}
				vals, p = append(vals, v), p[n:]
			}
			return true
		}
		switch typ {
		case 0x00, 0x01: // PADDING, PING
		case 0x02, 0x03: // ACK
			if !read(4) {
				return false
			}
			if vals[2] > uint64(len(p)) || !read(int(vals[2])*2) {
				return false
			}
			if typ == 0x03 && !read(3) {
				return false
			}
		case 0x06: // CRYPTO
			if !read(2) || vals[1] > uint64(len(p)) {
				return false
			}
			add(vals[0], p[:vals[1]])
			p = p[vals[1]:]
		case 0x1c, 0x1d: // CONNECTION_CLOSE
			k := 3
			if typ == 0x1d {
				k = 2
			}
			if !read(k) || vals[k-1] > uint64(len(p)) {
				return false
			}
			p = p[vals[k-1]:]
		default:
			return false
		}
	}
	return true
}

// quicPacket reads client Initial packets of a flow until the ClientHello
// they carry is complete.
func (a *Analyzer) quicPacket(ts time.Time, f *flow, b []byte) {
	h, ok := parseInitialHeader(b)
	if !ok {
		if f.quicInitials == 0 {
			a.finish(f) // not QUIC v1 (or not from its start)
		}
		return
	}
	f.quicInitials++
	if f.quicInitials > maxQUICInitials {
		a.finish(f)
		return
	}
	// Keys come from the DCID of the client's first Initial, kept for the
	// later ones even after the client switches to the server's ID.
	if f.quicDCID == nil {
		f.quicDCID = slices.Clone(h.dcid)
	}
	k, err := clientInitialKeys(f.quicDCID)
	if err != nil {
		a.finish(f)
		return
	}
	plain, ok := openInitial(b, h, k)
	if !ok {
		return
	}
	cryptoFrames(plain, func(off uint64, data []byte) {
		if off+uint64(len(data)) > maxHello || len(f.quicFrames) >= maxCryptoFrames {
			return
		}
		c := slices.Clone(data)
		a.flows.buffered += cap(c)
		f.quicFrames = append(f.quicFrames, pendingSeg{seq: uint32(off), data: c})
	})
	sni, st := clientHelloSNI(assemble(f.quicFrames))
	switch st {
	case helloDone:
		a.emit(ts, EventQUIC, f, func(e *Event) { e.Name = sni })
		a.finish(f)
	case helloNotTLS:
		a.finish(f)
	}
}

// assemble returns the contiguous CRYPTO stream from offset 0.
func assemble(frames []pendingSeg) []byte {
	sorted := slices.Clone(frames)
	slices.SortFunc(sorted, func(x, y pendingSeg) int { return int(x.seq) - int(y.seq) })
	var out []byte
	for _, fr := range sorted {
		off := int(fr.seq)
		if off > len(out) {
			break
		}
		if end := off + len(fr.data); end > len(out) {
			out = append(out, fr.data[len(out)-off:]...)
		}
	}
	return out
}

package backup

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// ErrWrongPassword means the password does not open an encrypted backup (or
// no password was given for one).
var ErrWrongPassword = errors.New("invalid backup password")

// keyLen is the AES-256 key size Android derives with PBKDF2-HMAC-SHA1.
const keyLen = 32

// masterKey decrypts the master-key blob of h with password and returns the
// key and IV that encrypt the archive. The blob holds, after AES-CBC with the
// password-derived key: len(IV) IV len(key) key len(checksum) checksum. The
// checksum is PBKDF2 of the master key with the checksum salt; a mismatch
// (or garbage lengths) means the password is wrong.
func masterKey(h *Header, password []byte) (key, iv []byte, err error) {
	if len(password) == 0 {
		return nil, nil, fmt.Errorf("%w: the backup is encrypted and no password was given", ErrWrongPassword)
	}
	userKey, err := pbkdf2.Key(sha1.New, string(password), h.UserSalt, h.Rounds, keyLen)
	if err != nil {
		return nil, nil, fmt.Errorf("deriving the backup key: %w", err)
	}
	block, err := aes.NewCipher(userKey)
	if err != nil {
		return nil, nil, err
	}
	blob := make([]byte, len(h.MasterKeyBlob))
	cipher.NewCBCDecrypter(block, h.UserIV).CryptBlocks(blob, h.MasterKeyBlob)
	blob, ok := unpad(blob)
	if !ok {
		return nil, nil, ErrWrongPassword
	}
	fields := make([][]byte, 3)
	for i := range fields {
		if len(blob) < 1 || int(blob[0]) > len(blob)-1 {
			return nil, nil, ErrWrongPassword
		}
		n := int(blob[0])
		fields[i], blob = blob[1:1+n], blob[1+n:]
	}
	iv, key, sum := fields[0], fields[1], fields[2]
	if len(iv) != aes.BlockSize || len(key) != keyLen {
		return nil, nil, ErrWrongPassword
	}
	material := key
	if h.Version > 1 {
		material = javaCharsUTF8(key)
	}
	want, err := pbkdf2.Key(sha1.New, string(material), h.ChecksumSalt, h.Rounds, keyLen)
	if err != nil {
		return nil, nil, fmt.Errorf("deriving the backup checksum: %w", err)
	}
	if subtle.ConstantTimeCompare(want, sum) != 1 {
		return nil, nil, ErrWrongPassword
	}
	return key, iv, nil
}

// javaCharsUTF8 reproduces how Android (format version 2 and later) feeds the
// master key to PBKDF2: each byte becomes a Java char by sign extension
// (0x80..0xFF turn into U+FF80..U+FFFF), and Java's PBKDF2 encodes the chars
// as UTF-8. Bytes below 0x80 stay single bytes; the others become three.
func javaCharsUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)*3)
	for _, c := range b {
		r := rune(int8(c)) & 0xFFFF
		out = utf8.AppendRune(out, r)
	}
	return out
}

// unpad removes PKCS#7 padding.
func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 || len(b)%aes.BlockSize != 0 {
		return nil, false
	}
	n := int(b[len(b)-1])
	if n == 0 || n > aes.BlockSize {
		return nil, false
	}
	if !bytes.Equal(b[len(b)-n:], bytes.Repeat([]byte{byte(n)}, n)) {
		return nil, false
	}
	return b[:len(b)-n], true
}

// cbcReader decrypts an AES-CBC stream with PKCS#7 padding as it is read. It
// holds back the last block until the end of the input, where the padding
// is checked and removed.
type cbcReader struct {
	src  io.Reader
	mode cipher.BlockMode
	in   []byte // ciphertext read but not yet decrypted (< 1 block kept back)
	out  []byte // plaintext ready to be returned
	held []byte // the last decrypted block, waiting to know if it is the final one
	err  error
}

func newCBCReader(src io.Reader, key, iv []byte) (*cbcReader, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &cbcReader{src: src, mode: cipher.NewCBCDecrypter(block, iv)}, nil
}

func (c *cbcReader) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.fill()
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// fill decrypts the next chunk of whole blocks into out.
func (c *cbcReader) fill() {
	buf := make([]byte, 64<<10)
	n, err := io.ReadAtLeast(c.src, buf, aes.BlockSize)
	c.in = append(c.in, buf[:n]...)
	whole := len(c.in) / aes.BlockSize * aes.BlockSize
	if whole > 0 {
		plain := make([]byte, whole)
		c.mode.CryptBlocks(plain, c.in[:whole])
		c.in = append(c.in[:0], c.in[whole:]...)
		c.out = append(c.out[:0], c.held...)
		c.out = append(c.out, plain[:whole-aes.BlockSize]...)
		c.held = append(c.held[:0], plain[whole-aes.BlockSize:]...)
	}
	if err == nil {
		return
	}
	if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		c.err = err
		return
	}
	// End of the ciphertext: the held block carries the padding.
	if len(c.in) != 0 || len(c.held) == 0 {
		c.err = errors.New("encrypted backup data is truncated (not a whole number of AES blocks)")
		return
	}
	last, ok := unpad(c.held)
	if !ok {
		c.err = errors.New("encrypted backup data has invalid padding (truncated or corrupt)")
		return
	}
	c.out = append(c.out, last...)
	c.held = nil
	c.err = io.EOF
}

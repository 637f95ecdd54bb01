package ioscrypto

import (
	"crypto/aes"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// The standard library has no RFC 3394 AES key wrap, so it lives here. It is
// the integrity check of the whole chain: a wrong password or key shows up
// as a failed unwrap, never as garbage plaintext.

// ErrUnwrap means an RFC 3394 integrity check failed: the wrapping key is
// wrong or the wrapped key was altered.
var ErrUnwrap = errors.New("AES key unwrap integrity check failed")

// kwIV is the RFC 3394 §2.2.3.1 default initial value.
var kwIV = [8]byte{0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6, 0xa6}

// UnwrapKey undoes RFC 3394 §2.2.2 (index-based form) with the key-encryption
// key kek (16, 24 or 32 bytes). The IV check runs in constant time.
func UnwrapKey(kek, wrapped []byte) ([]byte, error) {
	if len(wrapped)%8 != 0 || len(wrapped) < 24 {
		return nil, fmt.Errorf("wrapped key of %d bytes: must be a multiple of 8 and at least 24", len(wrapped))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	n := len(wrapped)/8 - 1
	r := make([]byte, n*8)
	copy(r, wrapped[8:])
	var a, b [16]byte
	copy(a[:8], wrapped[:8])
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(a[:8])^t)
			copy(b[8:], r[(i-1)*8:i*8])
			block.Decrypt(b[:], b[:])
			copy(a[:8], b[:8])
			copy(r[(i-1)*8:i*8], b[8:])
		}
	}
	if subtle.ConstantTimeCompare(a[:8], kwIV[:]) != 1 {
		clear(r)
		return nil, ErrUnwrap
	}
	return r, nil
}

// WrapKey is RFC 3394 §2.2.1 key wrap. Spyglass never writes backups; this
// exists so tests can build encrypted backups and check UnwrapKey against
// the RFC vectors in both directions.
func WrapKey(kek, key []byte) ([]byte, error) {
	if len(key)%8 != 0 || len(key) < 16 {
		return nil, fmt.Errorf("key of %d bytes: must be a multiple of 8 and at least 16", len(key))
	}
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, fmt.Errorf("key-encryption key: %w", err)
	}
	n := len(key) / 8
	out := make([]byte, 8+len(key))
	copy(out[8:], key)
	var b [16]byte
	a := kwIV
	for j := 0; j <= 5; j++ {
		for i := 1; i <= n; i++ {
			copy(b[:8], a[:])
			copy(b[8:], out[i*8:(i+1)*8])
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(b[:8])^t)
			copy(out[i*8:(i+1)*8], b[8:])
		}
	}
	copy(out[:8], a[:])
	return out, nil
}

// Package ioscrypto decrypts encrypted iTunes/Finder backups: the keybag,
// the password key derivation, RFC 3394 key unwrap and AES-CBC file
// decryption with strict padding checks.
package ioscrypto

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Key is the key derived from a backup password (the output of both PBKDF2
// rounds), the same 32 bytes MVT's extract-key prints. It unlocks the
// keybag without repeating the slow derivation. It is as sensitive as the
// password, so String does not reveal it; use Hex to write a key file.
type Key [32]byte

// ErrWrongPassword is returned when the password or key does not unlock
// the backup keybag.
var ErrWrongPassword = errors.New("wrong backup password or key: the keybag integrity check failed")

// ErrKeyFormat means a key file does not hold 64 hexadecimal characters.
var ErrKeyFormat = errors.New("a backup key is 64 hexadecimal characters")

// Hex returns the 64-character lowercase hexadecimal form, as in MVT key
// files.
func (k Key) Hex() string { return hex.EncodeToString(k[:]) }

// String redacts the key so it cannot leak into a log by accident.
func (k Key) String() string { return "ioscrypto.Key(redacted)" }

// GoString redacts the key in %#v too.
func (k Key) GoString() string { return k.String() }

// ParseKey reads a key in hexadecimal, ignoring surrounding white space
// (a key file usually ends with a newline).
func ParseKey(s string) (Key, error) {
	var k Key
	s = strings.TrimSpace(s)
	if len(s) != 2*len(k) {
		return k, fmt.Errorf("%w, got %d characters", ErrKeyFormat, len(s))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return Key{}, ErrKeyFormat
	}
	return k, nil
}

// DeriveKey turns a password into the key that unwraps the keybag's class
// keys: PBKDF2-HMAC-SHA1(PBKDF2-HMAC-SHA256(password, DPSL, DPIC), SALT,
// ITER) on iOS 10.2 and later; a keybag without DPSL/DPIC (older backups)
// uses the SHA-1 round alone on the password. This is the slow step (about
// ten million iterations on current backups). It does not check the
// password: Unlock does.
func DeriveKey(password string, kb *Keybag) (Key, error) {
	var k Key
	if kb == nil || len(kb.Salt) == 0 || kb.Iter == 0 {
		return k, fmt.Errorf("%w: no SALT/ITER", ErrKeybag)
	}
	if kb.DPIC == 0 {
		return outerKey(password, kb)
	}
	inner, err := pbkdf2.Key(sha256.New, password, kb.DPSL, int(kb.DPIC), 32)
	if err != nil {
		return k, fmt.Errorf("PBKDF2-HMAC-SHA256: %w", err)
	}
	defer clear(inner)
	return outerKey(string(inner), kb)
}

// outerKey is the PBKDF2-HMAC-SHA1 round.
func outerKey(pw string, kb *Keybag) (Key, error) {
	var k Key
	outer, err := pbkdf2.Key(sha1.New, pw, kb.Salt, int(kb.Iter), 32)
	if err != nil {
		return k, fmt.Errorf("PBKDF2-HMAC-SHA1: %w", err)
	}
	copy(k[:], outer)
	clear(outer)
	return k, nil
}

// ClassKeys are the unwrapped protection class keys, by class number.
type ClassKeys map[uint32][]byte

// Unlock unwraps every password-wrapped class key with k. If none unwraps,
// the password or key is wrong (ErrWrongPassword); if only some do, the
// keybag is damaged and that is reported instead.
func (kb *Keybag) Unlock(k Key) (ClassKeys, error) {
	keys := ClassKeys{}
	var failed []uint32
	tried := 0
	for _, c := range kb.Classes {
		if c.Wrap&WrapPasscode == 0 || len(c.WrappedKey) == 0 {
			continue
		}
		tried++
		ck, err := UnwrapKey(k[:], c.WrappedKey)
		if err != nil {
			failed = append(failed, c.Class)
			continue
		}
		keys[c.Class] = ck
	}
	switch {
	case tried == 0:
		return nil, fmt.Errorf("%w: no password-wrapped class keys", ErrKeybag)
	case len(failed) == tried:
		return nil, ErrWrongPassword
	case len(failed) > 0:
		return nil, fmt.Errorf("%w: class keys %v do not unwrap while others do", ErrKeybag, failed)
	}
	return keys, nil
}

// UnwrapClassKey unwraps a wrapped key that starts with a 4-byte
// little-endian protection class (ManifestKey, a file's EncryptionKey).
func (ck ClassKeys) UnwrapClassKey(wrapped []byte) ([]byte, error) {
	if len(wrapped) < 4+24 {
		return nil, fmt.Errorf("wrapped key of %d bytes is too short", len(wrapped))
	}
	class := uint32(wrapped[0]) | uint32(wrapped[1])<<8 | uint32(wrapped[2])<<16 | uint32(wrapped[3])<<24
	kek, ok := ck[class]
	if !ok {
		return nil, fmt.Errorf("no key for protection class %d", class)
	}
	key, err := UnwrapKey(kek, wrapped[4:])
	if err != nil {
		return nil, fmt.Errorf("protection class %d: %w", class, err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("protection class %d: unwrapped key is %d bytes, want 32", class, len(key))
	}
	return key, nil
}

// Package backup reads Android `adb backup` archives (.ab files, plain,
// zlib-compressed or AES-256 encrypted, and folders extracted from them) and
// holds the modules that analyse what they contain.
//
// An .ab file is a short text header followed by a tar archive that may be
// encrypted and compressed. Everything here streams: the tar is read entry by
// entry, so a backup of many gigabytes is never held in memory.
package backup

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// magic is the first line of every .ab file.
const magic = "ANDROID BACKUP"

// Bounds on header fields. Real backups use 64-byte salts, a 16-byte IV,
// 10,000 PBKDF2 rounds and a master-key blob under 200 bytes; the bounds are
// far above that but stop a crafted header from making us allocate a lot or
// spin for minutes deriving a key.
const (
	maxHeaderLine = 4096
	maxSaltLen    = 1024
	maxBlobLen    = 1024
	maxRounds     = 5_000_000
)

// Encryption names as they appear in the header.
const (
	EncryptionNone   = "none"
	EncryptionAES256 = "AES-256"
)

// ErrNotBackup means the data does not start with an Android backup header.
var ErrNotBackup = errors.New("not an Android backup (.ab) file")

// ErrBadHeader means the header is truncated or holds impossible values.
var ErrBadHeader = errors.New("invalid Android backup header")

// Header is the text header of an .ab file.
type Header struct {
	Version    int
	Compressed bool
	// Encryption is EncryptionNone or EncryptionAES256.
	Encryption string

	// The fields below are set only for AES-256 backups.
	UserSalt      []byte
	ChecksumSalt  []byte
	Rounds        int
	UserIV        []byte
	MasterKeyBlob []byte
}

// Encrypted reports whether the archive needs a password.
func (h *Header) Encrypted() bool { return h.Encryption != EncryptionNone }

// ReadHeader reads the header from r and leaves r positioned at the first
// byte of the (possibly encrypted, possibly compressed) archive.
func ReadHeader(r *bufio.Reader) (*Header, error) {
	first, err := readLine(r)
	if err != nil || first != magic {
		return nil, ErrNotBackup
	}
	var h Header
	v, err := readLine(r)
	if err != nil {
		return nil, fmt.Errorf("%w: missing version: %w", ErrBadHeader, err)
	}
	h.Version, err = strconv.Atoi(v)
	if err != nil || h.Version < 1 || h.Version > 1000 {
		return nil, fmt.Errorf("%w: version %q", ErrBadHeader, v)
	}
	c, err := readLine(r)
	if err != nil {
		return nil, fmt.Errorf("%w: missing compression flag: %w", ErrBadHeader, err)
	}
	switch c {
	case "0":
	case "1":
		h.Compressed = true
	default:
		return nil, fmt.Errorf("%w: compression flag %q", ErrBadHeader, c)
	}
	h.Encryption, err = readLine(r)
	if err != nil {
		return nil, fmt.Errorf("%w: missing encryption: %w", ErrBadHeader, err)
	}
	switch h.Encryption {
	case EncryptionNone:
		return &h, nil
	case EncryptionAES256:
	default:
		return nil, fmt.Errorf("%w: unsupported encryption %q", ErrBadHeader, h.Encryption)
	}
	if err := h.readCrypto(r); err != nil {
		return nil, err
	}
	return &h, nil
}

// readCrypto reads the five lines that follow "AES-256".
func (h *Header) readCrypto(r *bufio.Reader) error {
	var err error
	if h.UserSalt, err = hexLine(r, "user salt", 1, maxSaltLen); err != nil {
		return err
	}
	if h.ChecksumSalt, err = hexLine(r, "checksum salt", 1, maxSaltLen); err != nil {
		return err
	}
	rs, err := readLine(r)
	if err != nil {
		return fmt.Errorf("%w: invalid encrypted backup header: missing PBKDF2 rounds", ErrBadHeader)
	}
	h.Rounds, err = strconv.Atoi(rs)
	if err != nil || h.Rounds < 1 || h.Rounds > maxRounds {
		return fmt.Errorf("%w: PBKDF2 rounds %q", ErrBadHeader, rs)
	}
	if h.UserIV, err = hexLine(r, "IV", 16, 16); err != nil {
		return err
	}
	if h.MasterKeyBlob, err = hexLine(r, "master key blob", 16, maxBlobLen); err != nil {
		return err
	}
	if len(h.MasterKeyBlob)%16 != 0 {
		return fmt.Errorf("%w: master key blob is not a whole number of AES blocks", ErrBadHeader)
	}
	return nil
}

func hexLine(r *bufio.Reader, what string, minLen, maxLen int) ([]byte, error) {
	s, err := readLine(r)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid encrypted backup header: missing %s", ErrBadHeader, what)
	}
	if len(s) > 2*maxLen {
		return nil, fmt.Errorf("%w: %s too long", ErrBadHeader, what)
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) < minLen {
		return nil, fmt.Errorf("%w: %s is not valid hex", ErrBadHeader, what)
	}
	return b, nil
}

// readLine reads one '\n'-terminated line of at most maxHeaderLine bytes.
// A header line that never ends is an error, not an unbounded read.
func readLine(r *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		b, err := r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", io.ErrUnexpectedEOF
			}
			return "", err
		}
		if b == '\n' {
			return sb.String(), nil
		}
		if sb.Len() >= maxHeaderLine {
			return "", fmt.Errorf("header line longer than %d bytes", maxHeaderLine)
		}
		sb.WriteByte(b)
	}
}

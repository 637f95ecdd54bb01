package dumpsys

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// ADBState is the debugging_manager block of the adb section: the
// computers this phone trusts for USB debugging. A trusted key the owner
// does not recognise means someone could control the phone over ADB.
type ADBState struct {
	ConnectedToADB  string `json:"connected_to_adb,omitempty"`
	LastKeyReceived string `json:"last_key_received,omitempty"`
	// UserKeys are the keys of adb_keys, the trusted computers.
	UserKeys []ADBKey `json:"user_keys"`
	// Keystore holds the keys with the time of their last connection
	// (the XML or binary-XML adb_temp_keys.xml).
	Keystore []ADBKey `json:"keystore"`
	// KeystoreError says why the keystore could not be read ("" if it was).
	KeystoreError string            `json:"keystore_error,omitempty"`
	ADBWifi       map[string]string `json:"adb_wifi,omitempty"`
	// Other keeps the remaining scalar fields of debugging_manager.
	Other map[string]string `json:"other,omitempty"`
}

// ADBKey is one ADB public key: "<base64 key> <user@host>".
type ADBKey struct {
	User string `json:"user"`
	// Fingerprint is the MD5 of the decoded key, as Android's "Revoke USB
	// debugging authorisations" dialog shows it (F0:A1:…).
	Fingerprint string `json:"fingerprint"`
	Key         string `json:"key"`
	// Invalid is set when the key is not valid base64.
	Invalid bool `json:"invalid,omitempty"`
	// LastConnected is milliseconds since the Unix epoch (keystore only).
	LastConnected *int64 `json:"last_connected,omitempty"`
}

// maxADBSection bounds the adb section read into memory; real ones are a
// few KB.
const maxADBSection = 8 << 20

// ParseADB reads the adb section. It returns nil (no error) when the
// section says the service is missing or holds no debugging_manager.
func ParseADB(l *Lines) (*ADBState, error) {
	var buf bytes.Buffer
	for l.Next() {
		if buf.Len()+len(l.Raw()) > maxADBSection {
			return nil, fmt.Errorf("adb section larger than %d bytes", maxADBSection)
		}
		buf.WriteString(l.Raw())
		buf.WriteByte('\n')
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	return parseADBBytes(buf.Bytes()), nil
}

func parseADBBytes(b []byte) *ADBState {
	if len(b) == 0 || bytes.Contains(b, []byte("Can't find service: adb")) {
		return nil
	}
	var st *ADBState
	var path []string // open "x={" blocks
	multiline := ""   // "user_keys" or "xml" while collecting lines
	var xmlText strings.Builder
	off := 0
	for off < len(b) {
		end := bytes.IndexByte(b[off:], '\n')
		if end < 0 {
			end = len(b) - off
		}
		raw := b[off : off+end]
		lineStart := off
		off += end + 1
		line := strings.TrimSpace(string(raw))
		inDM := len(path) == 2 && path[1] == "debugging_manager"
		if multiline != "" {
			if line == "" {
				if multiline == "xml" {
					st.Keystore, st.KeystoreError = parseKeystoreXML(xmlText.String())
				}
				multiline = ""
				continue
			}
			if multiline == "user_keys" {
				st.UserKeys = append(st.UserKeys, keyInfo(line))
			} else {
				xmlText.WriteString(line)
				xmlText.WriteByte('\n')
			}
			continue
		}
		if line == "{" && len(path) == 0 {
			path = append(path, "")
			continue
		}
		if line == "}" {
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if value == "{" {
			path = append(path, key)
			if len(path) == 2 && key == "debugging_manager" && st == nil {
				st = &ADBState{UserKeys: []ADBKey{}, Keystore: []ADBKey{}}
			}
			continue
		}
		if st == nil {
			continue
		}
		if len(path) == 3 && path[1] == "debugging_manager" && path[2] == "adb_wifi" {
			if st.ADBWifi == nil {
				st.ADBWifi = map[string]string{}
			}
			st.ADBWifi[key] = value
			continue
		}
		if !inDM {
			continue
		}
		switch key {
		case "connected_to_adb":
			st.ConnectedToADB = value
		case "last_key_received":
			st.LastKeyReceived = value
		case "user_keys":
			if value != "" {
				st.UserKeys = append(st.UserKeys, keyInfo(value))
			}
			multiline = "user_keys"
		case "keystore":
			switch {
			case strings.HasPrefix(value, "<?xml") || strings.HasPrefix(value, "<"):
				xmlText.Reset()
				xmlText.WriteString(value)
				xmlText.WriteByte('\n')
				multiline = "xml"
			default:
				// The binary keystore may contain newline bytes: decode it
				// from the raw bytes and continue after its end.
				at := bytes.Index(b[lineStart:], []byte(abxMagic))
				if at < 0 {
					st.KeystoreError = "keystore is neither XML nor ABX"
					continue
				}
				elems, n, err := ParseABX(b[lineStart+at:])
				st.Keystore = keystoreKeys(elems)
				if err != nil {
					st.KeystoreError = err.Error()
					continue
				}
				next := lineStart + at + n
				if nl := bytes.IndexByte(b[next:], '\n'); nl >= 0 {
					off = next + nl + 1
				} else {
					off = len(b)
				}
			}
		default:
			if st.Other == nil {
				st.Other = map[string]string{}
			}
			st.Other[key] = value
		}
	}
	if multiline == "xml" && st != nil {
		st.Keystore, st.KeystoreError = parseKeystoreXML(xmlText.String())
	}
	return st
}

func parseKeystoreXML(s string) ([]ADBKey, string) {
	dec := xml.NewDecoder(strings.NewReader(s))
	dec.Strict = false
	var elems []XMLElement
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			e := XMLElement{Name: se.Name.Local, Attrs: map[string]string{}}
			for _, a := range se.Attr {
				e.Attrs[a.Name.Local] = a.Value
			}
			elems = append(elems, e)
		}
	}
	if len(elems) == 0 {
		return []ADBKey{}, "keystore XML holds no element"
	}
	return keystoreKeys(elems), ""
}

func keystoreKeys(elems []XMLElement) []ADBKey {
	out := []ADBKey{}
	for _, e := range elems {
		if e.Name != "adbKey" {
			continue
		}
		k := keyInfo(e.Attrs["key"])
		if v, err := strconv.ParseInt(e.Attrs["lastConnection"], 10, 64); err == nil {
			k.LastConnected = &v
		}
		out = append(out, k)
	}
	return out
}

// keyInfo splits "<base64> <user>" and computes the key's fingerprint.
func keyInfo(s string) ADBKey {
	key, user, _ := strings.Cut(strings.TrimSpace(s), " ")
	k := ADBKey{Key: key, User: user}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil || len(raw) == 0 {
		k.Invalid = true
		return k
	}
	sum := md5.Sum(raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	k.Fingerprint = strings.Join(parts, ":")
	return k
}

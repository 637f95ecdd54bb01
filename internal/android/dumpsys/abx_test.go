package dumpsys

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// abxDoc builds the binary keystore Android 12+ writes for one key.
func abxDoc(key string, last int64) []byte {
	var b bytes.Buffer
	b.WriteString(abxMagic)
	b.WriteByte(abxStartDocument | abxTypeNull)
	str := func(s string) {
		binary.Write(&b, binary.BigEndian, uint16(len(s)))
		b.WriteString(s)
	}
	newInterned := func(s string) {
		binary.Write(&b, binary.BigEndian, uint16(0xffff))
		str(s)
	}
	b.WriteByte(abxStartTag | abxTypeInterned)
	newInterned("keyStore")
	b.WriteByte(abxAttribute | abxTypeInt)
	newInterned("version")
	binary.Write(&b, binary.BigEndian, int32(1))
	b.WriteByte(abxStartTag | abxTypeInterned)
	newInterned("adbKey")
	b.WriteByte(abxAttribute | abxTypeString)
	newInterned("key")
	str(key)
	b.WriteByte(abxAttribute | abxTypeLong)
	newInterned("lastConnection")
	binary.Write(&b, binary.BigEndian, last)
	b.WriteByte(abxEndTag | abxTypeInterned)
	binary.Write(&b, binary.BigEndian, uint16(1)) // "adbKey"
	b.WriteByte(abxEndTag | abxTypeInterned)
	binary.Write(&b, binary.BigEndian, uint16(0)) // "keyStore"
	b.WriteByte(abxEndDocument | abxTypeNull)
	return b.Bytes()
}

func TestParseABXKeystore(t *testing.T) {
	const key = "QAAAAAcgbytJst31DsaSP7hn8QcBXKR9NPVPK9MZssFVSNIP user@laptop"
	// 0x0a0a… as lastConnection puts newline bytes inside the binary value,
	// which a line-based reader would cut.
	const last = 0x0000_0a0a_0a0a_0a0a
	doc := abxDoc(key, last)
	elems, n, err := ParseABX(doc)
	if err != nil || n != len(doc) || len(elems) != 2 || elems[1].Attrs["key"] != key {
		t.Fatalf("elems %+v n=%d err=%v", elems, n, err)
	}
	section := "ADB MANAGER STATE (dumpsys adb):\n{\n  debugging_manager={\n    connected_to_adb=true\n    user_keys=" + key +
		"\n\n    keystore=" + string(doc) + "\n    adb_wifi={\n      enabled=true\n    }\n  }\n}\n"
	st, err := ParseADB(LinesOf(section))
	if err != nil || st == nil {
		t.Fatal(st, err)
	}
	if len(st.Keystore) != 1 || st.Keystore[0].LastConnected == nil || *st.Keystore[0].LastConnected != last ||
		st.Keystore[0].Fingerprint != "F0:0B:27:08:E3:68:7B:FA:4C:79:A2:B4:BF:0E:CF:70" || st.KeystoreError != "" {
		t.Errorf("keystore %+v err %q", st.Keystore, st.KeystoreError)
	}
	if st.ADBWifi["enabled"] != "true" {
		t.Errorf("adb_wifi after binary keystore: %v", st.ADBWifi)
	}
	for i := range doc {
		if _, _, err := ParseABX(doc[:i]); err == nil {
			t.Fatalf("truncated at %d: no error", i)
		}
	}
}

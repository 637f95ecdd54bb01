package nskeyed

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spyglass-forensics/spyglass/internal/plistsafe/plisttest"
	"github.com/spyglass-forensics/spyglass/internal/sqlitedb"
	"howett.net/plist"
)

// seed reads one blob of the fuzz corpus (go test fuzz v1 format).
func seed(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata/fuzz/FuzzDecodeMBFile", name))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
	s, err := strconv.Unquote(lit)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []byte(s)
}

func TestDecodeMBFileFixtures(t *testing.T) {
	key, _ := hex.DecodeString("04000000ff0284dca7e372f3c56928ec25513541b83160c1c9b76c6ae9086e2bf046fe349e48a3f61ffc7b99")
	digest, _ := hex.DecodeString("999681dd3eee8fe87844fba89c268ba7a7ba502e")
	tests := []struct {
		seed     string
		want     MBFile
		xattrLen int
	}{
		{"3d0d7e5fb2ce288813306e4d4636395e047a3d28", MBFile{RelativePath: "Library/SMS/sms.db", EncryptionKey: key,
			ProtectionClass: 4, Size: 278528, Mode: 0o100644, UserID: 501, GroupID: 501, InodeNumber: 45856,
			Birth: 1566918489, LastModified: 1638501497, LastStatusChange: 1638559914, Digest: digest}, 0},
		{"0019ebdc400685e7057f749c847d99c5dd08e0e6", MBFile{RelativePath: "Documents", Mode: 0o40755, UserID: 501,
			GroupID: 501, InodeNumber: 91539, Birth: 1610674556, LastModified: 1610674556, LastStatusChange: 1610674556}, 0},
		{"09943cc3ee16f88753a8ceeddec5c198798c340b", MBFile{RelativePath: "Library/Preferences/com.apple.operator_1.merged.plist",
			Target: "/var/mobile/Library/Carrier Bundles/Overlay/default+device+carrier+20820+Default.bundle:D101:45.0+D101+45.0.plist",
			Mode:   0o120755, UserID: 501, GroupID: 501, InodeNumber: 484155, Birth: 1631529192, LastModified: 1631529192,
			LastStatusChange: 1631529192}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.seed, func(t *testing.T) {
			got, err := DecodeMBFile(seed(t, tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			if got.RelativePath != tc.want.RelativePath || got.Target != tc.want.Target ||
				!bytes.Equal(got.EncryptionKey, tc.want.EncryptionKey) || !bytes.Equal(got.Digest, tc.want.Digest) ||
				got.ProtectionClass != tc.want.ProtectionClass || got.Size != tc.want.Size || got.Mode != tc.want.Mode ||
				got.UserID != tc.want.UserID || got.GroupID != tc.want.GroupID || got.InodeNumber != tc.want.InodeNumber ||
				got.Birth != tc.want.Birth || got.LastModified != tc.want.LastModified ||
				got.LastStatusChange != tc.want.LastStatusChange || len(got.ExtendedAttributes) != tc.xattrLen {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
	big, err := DecodeMBFile(seed(t, "4ac770f6a545e1dfafd90fd044d7c73feef2e7c8"))
	if err != nil {
		t.Fatal(err)
	}
	if big.ProtectionClass != 3 || big.Size != 241691 || len(big.EncryptionKey) != 44 ||
		!bytes.HasPrefix(big.ExtendedAttributes, []byte("bplist00")) {
		t.Errorf("PNG record: %+v", big)
	}
}

// Every row of MVT's fixture Manifest.db decodes; 1089 of its 3721 rows
// (the files, flags = 1) carry a 44-byte EncryptionKey.
func TestDecodeMBFileWholeManifest(t *testing.T) {
	dir := "../ios/testdata/ios_backup"
	if _, err := os.Stat(filepath.Join(dir, "Manifest.db")); err != nil {
		t.Skipf("fixture %s absent: %v", dir, err)
	}
	db, err := sqlitedb.Open(os.DirFS(dir), "Manifest.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT fileID, flags, file FROM Files`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, keyed := 0, 0
	for rows.Next() {
		var id string
		var flags int
		var blob []byte
		if err := rows.Scan(&id, &flags, &blob); err != nil {
			t.Fatal(err)
		}
		f, err := DecodeMBFile(blob)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		n++
		if len(f.EncryptionKey) > 0 {
			keyed++
			if len(f.EncryptionKey) != 44 || flags != 1 {
				t.Errorf("%s: flags %d, %d-byte key", id, flags, len(f.EncryptionKey))
			}
		}
	}
	if n != 3721 || keyed != 1089 {
		t.Errorf("%d rows, %d with keys; want 3721 and 1089", n, keyed)
	}
}

func marshal(t testing.TB, objects []any, top map[string]any) []byte {
	t.Helper()
	b, err := plist.Marshal(map[string]any{"$archiver": "NSKeyedArchiver", "$version": 100000,
		"$objects": objects, "$top": top}, plist.BinaryFormat)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHostileArchives(t *testing.T) {
	mbClass := map[string]any{"$classname": "MBFile", "$classes": []any{"MBFile", "NSObject"}}
	arrClass := map[string]any{"$classname": "NSArray"}
	// A chain of arrays each holding the next twice: 2^18 values if expanded.
	dag := []any{"$null", mbClass, arrClass}
	for i := 0; i < 18; i++ {
		next := plist.UID(len(dag) + 1)
		dag = append(dag, map[string]any{"$class": plist.UID(2), "NS.objects": []any{next, next}})
	}
	dag = append(dag, "leaf")
	deep := []any{"$null", arrClass}
	for i := 0; i < 200; i++ {
		deep = append(deep, []any{plist.UID(len(deep) + 1)})
	}
	deep = append(deep, "bottom")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"not a plist", []byte("hello"), ErrNotArchive},
		{"wrong archiver", func() []byte {
			b, _ := plist.Marshal(map[string]any{"$archiver": "x", "$objects": []any{}, "$top": map[string]any{}}, plist.BinaryFormat)
			return b
		}(), ErrNotArchive},
		{"no root", marshal(t, []any{"$null"}, map[string]any{"x": plist.UID(0)}), ErrNotArchive},
		{"ref out of range", marshal(t, []any{"$null"}, map[string]any{"root": plist.UID(7)}), ErrBadRef},
		{"self cycle", marshal(t, []any{"$null", map[string]any{"$class": plist.UID(2), "me": plist.UID(1)}, mbClass},
			map[string]any{"root": plist.UID(1)}), ErrCycle},
		{"two-step cycle", marshal(t, []any{"$null",
			map[string]any{"$class": plist.UID(3), "a": plist.UID(2)},
			map[string]any{"$class": plist.UID(3), "b": plist.UID(1)}, mbClass},
			map[string]any{"root": plist.UID(1)}), ErrCycle},
		{"exponential DAG", marshal(t, dag, map[string]any{"root": plist.UID(3)}), ErrTooLarge},
		{"deep nesting", marshal(t, deep, map[string]any{"root": plist.UID(2)}), ErrTooDeep},
		{"class is not a reference", marshal(t, []any{"$null", map[string]any{"$class": "MBFile"}},
			map[string]any{"root": plist.UID(1)}), ErrNotArchive},
		{"root is not MBFile", marshal(t, []any{"$null", "str"}, map[string]any{"root": plist.UID(1)}), ErrNotArchive},
		{"Size is a string", marshal(t, []any{"$null", map[string]any{"$class": plist.UID(2), "Size": "big"}, mbClass},
			map[string]any{"root": plist.UID(1)}), ErrNotArchive},
		{"Size overflows int64", marshal(t, []any{"$null", map[string]any{"$class": plist.UID(2), "Size": uint64(1 << 63)}, mbClass},
			map[string]any{"root": plist.UID(1)}), ErrNotArchive},
		{"EncryptionKey is a number", marshal(t, []any{"$null", map[string]any{"$class": plist.UID(2), "EncryptionKey": 3}, mbClass},
			map[string]any{"root": plist.UID(1)}), ErrNotArchive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMBFile(tc.data)
			if !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// A shared (non-cyclic) reference is fine: only a reference to an object
// that is being resolved is a cycle.
func TestSharedReferenceIsNotACycle(t *testing.T) {
	data := marshal(t, []any{"$null",
		map[string]any{"$class": plist.UID(3), "RelativePath": plist.UID(2), "Target": plist.UID(2)},
		"same", map[string]any{"$classname": "MBFile"}}, map[string]any{"root": plist.UID(1)})
	f, err := DecodeMBFile(data)
	if err != nil {
		t.Fatal(err)
	}
	if f.RelativePath != "same" || f.Target != "same" {
		t.Errorf("%+v", f)
	}
}

func FuzzDecodeMBFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMBFile(data)
		if err == nil && m == nil {
			t.Fatal("nil record without error")
		}
		a, err := Parse(data)
		if err == nil {
			a.Top("root")
		}
	})
}

// An archive nested a million levels deep, or referring to itself, is
// refused before the plist decoder recurses (a stack overflow would kill
// the process).
func TestParseDeepOrCyclicArchive(t *testing.T) {
	for name, b := range map[string][]byte{
		"xml":    plisttest.DeepXML("$objects", 1_000_000),
		"binary": plisttest.DeepBinary("$objects", 1_000_000),
		"cycle":  plisttest.SelfReferential("$objects"),
	} {
		if _, err := Parse(b); !errors.Is(err, ErrNotArchive) || !strings.Contains(err.Error(), "malformed plist") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

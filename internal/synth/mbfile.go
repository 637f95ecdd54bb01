package synth

import (
	"bytes"
	"fmt"

	"howett.net/plist"
)

// mbFile is a backup entry's metadata, archived in Manifest.db's Files.file
// column as an NSKeyedArchiver binary plist of class MBFile.
type mbFile struct {
	RelativePath string
	Target       string // symlink target, "" if none
	Mode         int64  // Unix mode with the file type bits
	Size         int64
	Inode        int64
	// Birth, LastModified and LastStatusChange are Unix seconds.
	Birth, LastModified, LastStatusChange int64
	ProtectionClass                       int64
}

// archive encodes f the way iOS does: "$objects" holds "$null", the MBFile
// instance (UIDs point at its strings), its strings, then the class
// description; "$top" names the instance "root". Unencrypted backups carry
// no EncryptionKey.
func (f *mbFile) archive() ([]byte, error) {
	objects := []any{"$null", nil, f.RelativePath}
	inst := map[string]any{
		"Birth":            f.Birth,
		"Flags":            int64(0),
		"GroupID":          int64(501),
		"InodeNumber":      f.Inode,
		"LastModified":     f.LastModified,
		"LastStatusChange": f.LastStatusChange,
		"Mode":             f.Mode,
		"ProtectionClass":  f.ProtectionClass,
		"RelativePath":     plist.UID(2),
		"Size":             f.Size,
		"UserID":           int64(501),
	}
	if f.Target != "" {
		inst["Target"] = plist.UID(len(objects))
		objects = append(objects, f.Target)
	}
	inst["$class"] = plist.UID(len(objects))
	objects = append(objects, map[string]any{"$classname": "MBFile", "$classes": []any{"MBFile", "NSObject"}})
	objects[1] = inst
	doc := map[string]any{
		"$version":  int64(100000),
		"$archiver": "NSKeyedArchiver",
		"$top":      map[string]any{"root": plist.UID(1)},
		"$objects":  objects,
	}
	var buf bytes.Buffer
	if err := plist.NewEncoderForFormat(&buf, plist.BinaryFormat).Encode(doc); err != nil {
		return nil, fmt.Errorf("archiving MBFile %q: %w", f.RelativePath, err)
	}
	return buf.Bytes(), nil
}

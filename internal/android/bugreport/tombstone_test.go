package bugreport

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestTombstoneTextAndProtoAgree(t *testing.T) {
	txt, _ := os.ReadFile(filepath.Join("testdata", "tombstone_process.txt"))
	pb, _ := os.ReadFile(filepath.Join("testdata", "tombstone_process.pb"))
	a, err := ParseTombstoneText(txt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseTombstoneProto(pb)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*Tombstone{a, b} {
		if !reflect.DeepEqual(tb.CommandLine, []string{"/vendor/bin/hw/android.hardware.media.c2@1.2-mediatek"}) ||
			tb.UID != 1046 || tb.PID != 25541 || tb.TID != 21307 || tb.ProcessName != "mtk.ape.decoder" ||
			tb.Timestamp != "2023-04-12 12:32:40.518290" ||
			!reflect.DeepEqual(tb.Causes, []Cause{{HumanReadable: "null pointer dereference"}}) {
			t.Errorf("%+v", tb)
		}
	}
	if a.SignalInfo.Name != b.SignalInfo.Name || a.SignalInfo.CodeName != b.SignalInfo.CodeName || a.BinaryPath != b.BinaryPath ||
		a.BuildFingerprint != b.BuildFingerprint || a.Arch != b.Arch || a.AbortMessage != b.AbortMessage {
		t.Errorf("text %+v\nproto %+v", a, b)
	}
}

func TestTombstoneText00(t *testing.T) {
	data, _ := os.ReadFile(filepath.Join("testdata", "bugreport", "FS", "data", "tombstones", "tombstone_00"))
	tb, err := ParseTombstoneText(data)
	if err != nil {
		t.Fatal(err)
	}
	if tb.AbortMessage != "Check failed: payload.size() <= bytes_left (payload.size()=99, bytes_left=51) " ||
		tb.UID != 2000 || tb.ProcessName != "UsbFfs-worker" || tb.BinaryPath != "/system/bin/adbd" ||
		tb.SignalInfo.Number != 6 || tb.SignalInfo.Name != "SIGABRT" || tb.SignalInfo.Code != -1 || tb.Timestamp != "2021-09-29 17:43:49.000000" {
		t.Errorf("%+v", tb)
	}
	if _, err := ParseTombstoneText([]byte("not a tombstone")); err == nil {
		t.Error("garbage parsed")
	}
	if _, err := ParseTombstoneProto([]byte{0xff, 0xff}); err == nil {
		t.Error("garbage protobuf parsed")
	}
}

func FuzzParseTombstoneText(f *testing.F) {
	for _, p := range []string{"tombstone_process.txt", "bugreport/FS/data/tombstones/tombstone_00", "bugreport/FS/data/tombstones/tombstone_01"} {
		if b, err := os.ReadFile(filepath.Join("testdata", p)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) { ParseTombstoneText(b) })
}

func FuzzParseTombstoneProto(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "tombstone_process.pb")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) { ParseTombstoneProto(b) })
}

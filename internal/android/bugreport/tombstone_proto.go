package bugreport

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers of AOSP's system/core/debuggerd/proto/tombstone.proto
// (message Tombstone, Signal, Cause, Thread), decoded by hand with
// protowire: only the fields spyglass reports are read, the rest skipped.
const (
	tbArch             = 1
	tbBuildFingerprint = 2
	tbRevision         = 3
	tbTimestamp        = 4
	tbPID              = 5
	tbTID              = 6
	tbUID              = 7
	tbSELinuxLabel     = 8
	tbCommandLine      = 9
	tbSignalInfo       = 10
	tbAbortMessage     = 14
	tbCauses           = 15
	tbThreads          = 16
	tbProcessUptime    = 20

	sigNumber   = 1
	sigName     = 2
	sigCode     = 3
	sigCodeName = 4

	causeHumanReadable = 1

	threadID   = 1
	threadName = 2

	mapKey   = 1
	mapValue = 2
)

// archNames are the Architecture enum values, written as the text
// tombstone's "ABI:" line writes them.
func archName(v uint64) string {
	switch v {
	case 0:
		return "arm"
	case 1:
		return "arm64"
	case 2:
		return "x86"
	case 3:
		return "x86_64"
	case 4:
		return "riscv64"
	case 5:
		return "none"
	}
	return fmt.Sprintf("unknown(%d)", v)
}

// walkFields calls fn for every field of a protobuf message. For varints
// v is the value; for length-delimited fields b is the payload.
func walkFields(msg []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error) error {
	for len(msg) > 0 {
		num, typ, n := protowire.ConsumeTag(msg)
		if n < 0 {
			return protowire.ParseError(n)
		}
		msg = msg[n:]
		var (
			v uint64
			b []byte
		)
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(msg)
		case protowire.BytesType:
			b, n = protowire.ConsumeBytes(msg)
		default:
			n = protowire.ConsumeFieldValue(num, typ, msg)
		}
		if n < 0 {
			return protowire.ParseError(n)
		}
		msg = msg[n:]
		if err := fn(num, typ, v, b); err != nil {
			return err
		}
	}
	return nil
}

var errWireType = errors.New("unexpected wire type")

// ParseTombstoneProto decodes a protobuf tombstone. The process name is
// the name of the crashing thread (the thread whose id is the tid).
func ParseTombstoneProto(data []byte) (*Tombstone, error) {
	// proto3 omits zero values: an absent arch is ARM32, an absent
	// uptime is 0.
	zero := int64(0)
	t := &Tombstone{CommandLine: []string{}, Causes: []Cause{}, Arch: archName(0), ProcessUptime: &zero}
	threads := map[uint64]string{}
	var sawPID bool
	err := walkFields(data, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
		str := func(dst *string) error {
			if typ != protowire.BytesType {
				return fmt.Errorf("field %d: %w", num, errWireType)
			}
			*dst = string(b)
			return nil
		}
		varint := func(dst *int64) error {
			if typ != protowire.VarintType {
				return fmt.Errorf("field %d: %w", num, errWireType)
			}
			*dst = int64(uint32(v)) // uint32 fields
			return nil
		}
		switch num {
		case tbArch:
			if typ == protowire.VarintType {
				t.Arch = archName(v)
			}
		case tbBuildFingerprint:
			return str(&t.BuildFingerprint)
		case tbRevision:
			return str(&t.Revision)
		case tbTimestamp:
			var s string
			if err := str(&s); err != nil {
				return err
			}
			t.Timestamp = tombstoneTime(s)
		case tbPID:
			sawPID = true
			return varint(&t.PID)
		case tbTID:
			return varint(&t.TID)
		case tbUID:
			return varint(&t.UID)
		case tbSELinuxLabel:
			return str(&t.SELinuxLabel)
		case tbCommandLine:
			var s string
			if err := str(&s); err != nil {
				return err
			}
			t.CommandLine = append(t.CommandLine, s)
		case tbProcessUptime:
			var n int64
			if err := varint(&n); err != nil {
				return err
			}
			t.ProcessUptime = &n
		case tbAbortMessage:
			return str(&t.AbortMessage)
		case tbSignalInfo:
			if typ != protowire.BytesType {
				return fmt.Errorf("signal_info: %w", errWireType)
			}
			return parseSignalProto(b, &t.SignalInfo)
		case tbCauses:
			if typ != protowire.BytesType {
				return fmt.Errorf("causes: %w", errWireType)
			}
			var c Cause
			err := walkFields(b, func(num protowire.Number, typ protowire.Type, _ uint64, b []byte) error {
				if num == causeHumanReadable && typ == protowire.BytesType {
					c.HumanReadable = string(b)
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("causes: %w", err)
			}
			t.Causes = append(t.Causes, c)
		case tbThreads:
			if typ != protowire.BytesType {
				return fmt.Errorf("threads: %w", errWireType)
			}
			return parseThreadEntry(b, threads)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("not a valid protobuf tombstone: %w", err)
	}
	if !sawPID {
		return nil, errors.New("not a valid protobuf tombstone: no pid")
	}
	t.ProcessName = threads[uint64(t.TID)]
	if t.ProcessName == "" {
		t.ProcessName = "Unknown"
	}
	if len(t.CommandLine) > 0 {
		t.BinaryPath = t.CommandLine[0]
	}
	return t, nil
}

func parseSignalProto(b []byte, s *Signal) error {
	return walkFields(b, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
		switch {
		case num == sigNumber && typ == protowire.VarintType:
			s.Number = int64(int32(v))
		case num == sigName && typ == protowire.BytesType:
			s.Name = string(b)
		case num == sigCode && typ == protowire.VarintType:
			s.Code = int64(int32(v))
		case num == sigCodeName && typ == protowire.BytesType:
			s.CodeName = string(b)
		}
		return nil
	})
}

// parseThreadEntry reads one map<uint32, Thread> entry, keeping id → name.
func parseThreadEntry(b []byte, threads map[uint64]string) error {
	var key uint64
	var name string
	var id uint64
	haveID := false
	err := walkFields(b, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
		switch {
		case num == mapKey && typ == protowire.VarintType:
			key = v
		case num == mapValue && typ == protowire.BytesType:
			return walkFields(b, func(num protowire.Number, typ protowire.Type, v uint64, b []byte) error {
				switch {
				case num == threadID && typ == protowire.VarintType:
					id, haveID = uint64(uint32(v)), true
				case num == threadName && typ == protowire.BytesType:
					name = string(b)
				}
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("threads: %w", err)
	}
	if !haveID {
		id = key
	}
	threads[id] = name
	return nil
}

// Package netcap reads network captures (pcap, pcapng, gzip-compressed or
// not) as a stream and extracts what a phone's traffic says about who it
// talked to: DNS names, TLS SNI, HTTP hosts and IP addresses, matched
// against indicators. Every byte of a capture is hostile: lengths are
// bounded before anything is allocated, and the pcapgo reader is fed only
// blocks this package has checked.
package netcap

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// maxPacket bounds one packet record: tcpdump's own maximum snap length.
// Larger records are not real packets.
const maxPacket = 262144

// Packet is one captured frame.
type Packet struct {
	Data     []byte // valid until the next call to Next
	Time     time.Time
	LinkType layers.LinkType
}

// Reader yields the packets of one capture.
type Reader struct {
	next  func() ([]byte, time.Time, layers.LinkType, error)
	count int
}

// ErrTruncated reports a capture that ends inside a record, as one does when
// the capturing tool was killed; what came before was read.
var ErrTruncated = errors.New("the capture ends in the middle of a packet record")

// NewReader recognises a pcap or pcapng stream, gzip-compressed or not.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(4)
	if err != nil {
		return nil, errors.New("the file is too short to be a capture")
	}
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip header: %w", err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
		if magic, err = br.Peek(4); err != nil {
			return nil, errors.New("the decompressed file is too short to be a capture")
		}
	}
	switch binary.LittleEndian.Uint32(magic) {
	case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
		return newPcap(br)
	case 0x0a0d0d0a:
		return newPcapng(br)
	}
	return nil, fmt.Errorf("not a pcap or pcapng capture (starts with %x)", magic)
}

func newPcap(r io.Reader) (rd *Reader, err error) {
	defer catch(&err)
	pr, err := pcapgo.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	// The header's snap length is not trusted (pcapgo allocates it): tools
	// ignore it, and records are bounded by maxPacket instead.
	pr.SetSnaplen(maxPacket)
	lt := pr.LinkType()
	rd = &Reader{}
	rd.next = func() ([]byte, time.Time, layers.LinkType, error) {
		data, ci, err := pr.ZeroCopyReadPacketData()
		return data, ci.Timestamp, lt, err
	}
	return rd, nil
}

func newPcapng(r io.Reader) (rd *Reader, err error) {
	defer catch(&err)
	nr, err := pcapgo.NewNgReader(&ngGuard{r: r}, pcapgo.NgReaderOptions{WantMixedLinkType: true})
	if err != nil {
		return nil, fmt.Errorf("pcapng header: %w", err)
	}
	rd = &Reader{}
	rd.next = func() ([]byte, time.Time, layers.LinkType, error) {
		data, ci, err := nr.ZeroCopyReadPacketData()
		if err != nil {
			return nil, time.Time{}, 0, err
		}
		lt, _ := ci.AncillaryData[0].(layers.LinkType)
		return data, ci.Timestamp, lt, nil
	}
	return rd, nil
}

// Next returns the next packet, io.EOF at the end, ErrTruncated when the
// capture stops inside a record, or an error naming the broken record.
func (r *Reader) Next() (p Packet, err error) {
	defer catch(&err)
	data, ts, lt, err := r.next()
	switch {
	case err == nil:
		r.count++
		return Packet{Data: data, Time: ts, LinkType: lt}, nil
	case errors.Is(err, io.EOF) && len(data) == 0 && !errors.Is(err, io.ErrUnexpectedEOF):
		return Packet{}, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return Packet{}, ErrTruncated
	}
	return Packet{}, fmt.Errorf("packet record %d: %w", r.count+1, err)
}

// Count is the number of packets read so far.
func (r *Reader) Count() int { return r.count }

// catch turns a panic inside the pcapgo reader (it indexes option values
// without checking their length) into an error.
func catch(err *error) {
	if v := recover(); v != nil {
		*err = fmt.Errorf("malformed capture structure (%v)", v)
	}
}

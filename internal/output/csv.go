package output

import (
	"bufio"
	"regexp"
	"strings"
)

// csvEscaper renders a field as Python's csv module does with QUOTE_ALL,
// doublequote and escapechar '\\' (what MVT uses): quotes doubled, the
// escape character itself escaped.
var csvEscaper = strings.NewReplacer(`"`, `""`, `\`, `\\`)

// writeCSVRow writes fields quoted, with Python's default "\r\n" ending.
// Every field goes through neutralizeFormula first.
func writeCSVRow(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('"')
		csvEscaper.WriteString(w, neutralizeFormula(f))
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

// inertCell matches the cells that start like a formula but cannot act as
// one: plain numbers ("-1", "+33.5", "-2e3"), which a spreadsheet reads as
// the same number either way, and the MACB flags of file events ("---B",
// "M-C-"), which hold no function call, reference or pipe. Prefixing them
// would change values that MVT-compatible readers compare.
var inertCell = regexp.MustCompile(`^(?:[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[-MACB]{4})$`)

// neutralizeFormula keeps a spreadsheet from running text from the
// evidence: an SMS body or a file name starting with = + - @ (or a tab or
// CR, which some spreadsheets skip before them) is a formula when
// timeline.csv is opened, and can fetch a URL or run a command (DDE). As
// OWASP recommends for CSV injection, such a cell gets a leading single
// quote, which spreadsheets read as "text" and CSV readers keep as a
// character; the cell is quoted already (QUOTE_ALL).
func neutralizeFormula(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || inertCell.MatchString(s) {
		return s
	}
	return "'" + s
}

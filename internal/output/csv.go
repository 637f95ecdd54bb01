package output

import (
	"bufio"
	"strings"
)

// csvEscaper renders a field as Python's csv module does with QUOTE_ALL,
// doublequote and escapechar '\\' (what MVT uses): quotes doubled, the
// escape character itself escaped.
var csvEscaper = strings.NewReplacer(`"`, `""`, `\`, `\\`)

// writeCSVRow writes fields quoted, with Python's default "\r\n" ending.
func writeCSVRow(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('"')
		csvEscaper.WriteString(w, f)
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

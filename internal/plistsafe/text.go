package plistsafe

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// xmlPlistTags are the elements the plist decoder accepts as a document's
// first element; any other first element (or none) makes it fall back to
// the text (OpenStep/GNUstep) syntax.
var xmlPlistTags = map[string]bool{"plist": true, "dict": true, "array": true, "string": true, "integer": true,
	"real": true, "true": true, "false": true, "date": true, "data": true}

// checkText refuses an XML plist nested deeper than MaxDepth or holding
// more than MaxValues elements (decoded, each costs far more memory than
// its bytes), and a text plist with more than MaxTextBrackets brackets. It
// tokenizes the XML with the tokenizer the decoder uses, iteratively, so
// the measure is exact and cannot itself overflow.
func checkText(b []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(b))
	depth, nodes, first := 0, 0, true
	for {
		tok, err := dec.Token()
		if err != nil {
			if first {
				break // the decoder falls back to the text syntax
			}
			return nil // the decoder stops at the same error
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if first {
				first = false
				if !xmlPlistTags[t.Name.Local] {
					return checkBrackets(b)
				}
			}
			depth++
			nodes++
			if depth > MaxDepth {
				return fmt.Errorf("plist nested more than %d levels deep", MaxDepth)
			}
			if nodes > MaxValues {
				return fmt.Errorf("plist holds more than %d values", MaxValues)
			}
		case xml.EndElement:
			depth--
		}
	}
	return checkBrackets(b)
}

// checkBrackets bounds a text plist's nesting by its bracket count.
func checkBrackets(b []byte) error {
	if n := bytes.Count(b, []byte("(")) + bytes.Count(b, []byte("{")); n > MaxTextBrackets {
		return fmt.Errorf("text plist with %d brackets (more than %d)", n, MaxTextBrackets)
	}
	return nil
}

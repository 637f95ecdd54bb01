package ioc

import (
	"errors"
	"fmt"
	"strings"
)

// comparison is one usable "[object:path = 'value']" of a STIX pattern.
type comparison struct {
	Object string // "domain-name", "file", ...
	Path   string // "value", "hashes.sha-256" (quotes removed, case kept)
	Op     string // "=" or "ISSUBSET"
	Value  string // escapes decoded
}

// maxPatternDepth bounds parenthesis nesting so that a hostile pattern cannot
// exhaust the stack.
const maxPatternDepth = 64

// node is the pattern's syntax tree: an "OR" node is a disjunction (every
// child is an indicator on its own); anything else but a plain comparison is
// something we cannot turn into independent indicators.
type node struct {
	kind     string // "OR", "AND", "FOLLOWEDBY", "CMP", "QUALIFIED"
	children []*node
	cmp      comparison
	why      string // for unusable comparisons: the reason
}

// parsePattern parses a STIX 2.x pattern. It returns every comparison that is
// sufficient on its own (the disjuncts), and a reason describing the parts it
// could not use (AND, FOLLOWEDBY, qualifiers, operators other than =, IN and
// ISSUBSET); reason is "" when the whole pattern was used. A syntax error
// yields no comparisons and an error.
func parsePattern(s string) ([]comparison, string, error) {
	if c, ok := simplePattern(s); ok {
		return []comparison{c}, "", nil
	}
	p := &patternParser{s: s}
	n, err := p.observationOr(0)
	if err != nil {
		return nil, "", err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, "", p.errf("unexpected %q", p.rest())
	}
	var out []comparison
	var why []string
	flatten(n, &out, &why)
	return out, strings.Join(dedupStrings(why), "; "), nil
}

func flatten(n *node, out *[]comparison, why *[]string) {
	switch n.kind {
	case "OR":
		for _, c := range n.children {
			flatten(c, out, why)
		}
	case "CMP":
		if n.why != "" {
			*why = append(*why, n.why)
			return
		}
		*out = append(*out, n.cmp)
	default: // AND, FOLLOWEDBY, QUALIFIED
		*why = append(*why, n.why)
	}
}

func dedupStrings(in []string) []string {
	var out []string
	for _, s := range in {
		dup := false
		for _, o := range out {
			dup = dup || o == s
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}

type patternParser struct {
	s string
	i int
}

func (p *patternParser) errf(format string, args ...any) error {
	return fmt.Errorf("pattern syntax error at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *patternParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "…"
	}
	return r
}

func (p *patternParser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.i++
		default:
			return
		}
	}
}

// keyword consumes the keyword kw (case-insensitive, followed by a
// non-word character) if it comes next.
func (p *patternParser) keyword(kw string) bool {
	p.space()
	if len(p.s)-p.i < len(kw) || !strings.EqualFold(p.s[p.i:p.i+len(kw)], kw) {
		return false
	}
	if j := p.i + len(kw); j < len(p.s) && isWordByte(p.s[j]) {
		return false
	}
	p.i += len(kw)
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func (p *patternParser) observationOr(depth int) (*node, error) {
	first, err := p.observationAnd(depth)
	if err != nil {
		return nil, err
	}
	n := &node{kind: "OR", children: []*node{first}}
	for p.keyword("OR") {
		c, err := p.observationAnd(depth)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, c)
	}
	return n, nil
}

func (p *patternParser) observationAnd(depth int) (*node, error) {
	first, err := p.observationAtom(depth)
	if err != nil {
		return nil, err
	}
	var kind string
	n := first
	for {
		switch {
		case p.keyword("AND"):
			kind = "AND"
		case p.keyword("FOLLOWEDBY"):
			kind = "FOLLOWEDBY"
		default:
			return n, nil
		}
		c, err := p.observationAtom(depth)
		if err != nil {
			return nil, err
		}
		if n == first {
			n = &node{kind: kind, children: []*node{first}, why: kind + " between observations is not supported"}
		}
		n.children = append(n.children, c)
	}
}

func (p *patternParser) observationAtom(depth int) (*node, error) {
	if depth > maxPatternDepth {
		return nil, p.errf("nesting deeper than %d", maxPatternDepth)
	}
	p.space()
	if p.i >= len(p.s) {
		return nil, p.errf("unexpected end, expected [ or (")
	}
	var n *node
	switch p.s[p.i] {
	case '[':
		p.i++
		c, err := p.comparisonOr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ']' {
			return nil, p.errf("expected ]")
		}
		p.i++
		n = c
	case '(':
		p.i++
		c, err := p.observationOr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, p.errf("expected )")
		}
		p.i++
		n = c
	default:
		return nil, p.errf("expected [ or ( but found %q", p.rest())
	}
	return p.qualifiers(n)
}

// qualifiers consumes WITHIN/REPEATS/START…STOP after an observation. A
// qualified observation is narrower than the bare one, so its comparisons
// are not usable as independent indicators.
func (p *patternParser) qualifiers(n *node) (*node, error) {
	for {
		var q string
		switch {
		case p.keyword("WITHIN"):
			q = "WITHIN"
			if _, err := p.bareWord(); err != nil {
				return nil, err
			}
			if !p.keyword("SECONDS") {
				return nil, p.errf("expected SECONDS")
			}
		case p.keyword("REPEATS"):
			q = "REPEATS"
			if _, err := p.bareWord(); err != nil {
				return nil, err
			}
			if !p.keyword("TIMES") {
				return nil, p.errf("expected TIMES")
			}
		case p.keyword("START"):
			q = "START/STOP"
			if _, err := p.literal(); err != nil {
				return nil, err
			}
			if !p.keyword("STOP") {
				return nil, p.errf("expected STOP")
			}
			if _, err := p.literal(); err != nil {
				return nil, err
			}
		default:
			return n, nil
		}
		n = &node{kind: "QUALIFIED", children: []*node{n}, why: q + " qualifier is not supported"}
	}
}

func (p *patternParser) comparisonOr(depth int) (*node, error) {
	first, err := p.comparisonAnd(depth)
	if err != nil {
		return nil, err
	}
	n := &node{kind: "OR", children: []*node{first}}
	for p.keyword("OR") {
		c, err := p.comparisonAnd(depth)
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, c)
	}
	return n, nil
}

func (p *patternParser) comparisonAnd(depth int) (*node, error) {
	first, err := p.comparisonAtom(depth)
	if err != nil {
		return nil, err
	}
	n := first
	for p.keyword("AND") {
		c, err := p.comparisonAtom(depth)
		if err != nil {
			return nil, err
		}
		if n == first {
			n = &node{kind: "AND", children: []*node{first}, why: "AND between comparisons is not supported"}
		}
		n.children = append(n.children, c)
	}
	return n, nil
}

func (p *patternParser) comparisonAtom(depth int) (*node, error) {
	if depth > maxPatternDepth {
		return nil, p.errf("nesting deeper than %d", maxPatternDepth)
	}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		n, err := p.comparisonOr(depth + 1)
		if err != nil {
			return nil, err
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return nil, p.errf("expected )")
		}
		p.i++
		return n, nil
	}
	return p.comparison()
}

// comparison parses "object:path [NOT] op value".
func (p *patternParser) comparison() (*node, error) {
	obj, path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	not := p.keyword("NOT")
	op, err := p.operator()
	if err != nil {
		return nil, err
	}
	n := &node{kind: "CMP", cmp: comparison{Object: obj, Path: path, Op: op}}
	if op == "IN" {
		vals, err := p.set()
		if err != nil {
			return nil, err
		}
		if not {
			n.why = "NOT IN is not supported"
			return n, nil
		}
		// IN is a disjunction of equalities.
		or := &node{kind: "OR"}
		for _, v := range vals {
			c := n.cmp
			c.Op, c.Value = "=", v
			or.children = append(or.children, &node{kind: "CMP", cmp: c})
		}
		return or, nil
	}
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	n.cmp.Value = lit.value
	switch {
	case not:
		n.why = "NOT " + op + " is not supported"
	case op != "=" && op != "ISSUBSET":
		n.why = "operator " + op + " is not supported"
	case lit.kind != "string":
		n.why = lit.kind + " value is not supported"
	}
	return n, nil
}

func (p *patternParser) objectPath() (string, string, error) {
	p.space()
	start := p.i
	for p.i < len(p.s) && isWordByte(p.s[p.i]) {
		p.i++
	}
	obj := p.s[start:p.i]
	if obj == "" || p.i >= len(p.s) || p.s[p.i] != ':' {
		return "", "", p.errf("expected object-type:property but found %q", p.rest())
	}
	p.i++
	var b strings.Builder
	for {
		if p.i < len(p.s) && (p.s[p.i] == '\'' || p.s[p.i] == '"') {
			lit, err := p.literal()
			if err != nil {
				return "", "", err
			}
			b.WriteString(lit.value)
		} else {
			st := p.i
			for p.i < len(p.s) && isWordByte(p.s[p.i]) {
				p.i++
			}
			if st == p.i {
				return "", "", p.errf("expected a property name but found %q", p.rest())
			}
			b.WriteString(p.s[st:p.i])
		}
		// list index: [*] or [n]
		for p.i < len(p.s) && p.s[p.i] == '[' {
			end := strings.IndexByte(p.s[p.i:], ']')
			if end < 0 {
				return "", "", p.errf("unterminated index")
			}
			b.WriteString(p.s[p.i : p.i+end+1])
			p.i += end + 1
		}
		if p.i < len(p.s) && p.s[p.i] == '.' {
			p.i++
			b.WriteByte('.')
			continue
		}
		return obj, b.String(), nil
	}
}

func (p *patternParser) operator() (string, error) {
	p.space()
	for _, op := range []string{"!=", "<>", "<=", ">=", "=", "<", ">"} {
		if strings.HasPrefix(p.s[p.i:], op) {
			p.i += len(op)
			return op, nil
		}
	}
	for _, kw := range []string{"LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET", "IN", "EXISTS"} {
		if p.keyword(kw) {
			if kw == "EXISTS" {
				return "", p.errf("EXISTS must precede the path")
			}
			return kw, nil
		}
	}
	return "", p.errf("expected a comparison operator but found %q", p.rest())
}

type literal struct {
	kind  string // "string", "number", "boolean", "timestamp", "hex", "binary"
	value string
}

var errUnterminated = errors.New("unterminated string")

// literal parses a constant: 'string' with \' and \\ escapes (other
// backslashes are kept as written), t'…', h'…', b'…', numbers, true/false.
// Double-quoted strings are accepted too, because some exporters write them.
func (p *patternParser) literal() (literal, error) {
	p.space()
	if p.i >= len(p.s) {
		return literal{}, p.errf("expected a value")
	}
	kind := "string"
	if c := p.s[p.i]; (c == 't' || c == 'h' || c == 'b') && p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
		kind = map[byte]string{'t': "timestamp", 'h': "hex", 'b': "binary"}[c]
		p.i++
	}
	if q := p.s[p.i]; q == '\'' || q == '"' {
		p.i++
		var b strings.Builder
		for p.i < len(p.s) {
			c := p.s[p.i]
			switch {
			case c == '\\' && p.i+1 < len(p.s) && (p.s[p.i+1] == q || p.s[p.i+1] == '\\'):
				b.WriteByte(p.s[p.i+1])
				p.i += 2
			case c == q:
				p.i++
				return literal{kind, b.String()}, nil
			default:
				b.WriteByte(c)
				p.i++
			}
		}
		return literal{}, p.errf("%v", errUnterminated)
	}
	w, err := p.bareWord()
	if err != nil {
		return literal{}, err
	}
	switch strings.ToLower(w) {
	case "true", "false":
		return literal{"boolean", w}, nil
	}
	return literal{"number", w}, nil
}

func (p *patternParser) bareWord() (string, error) {
	p.space()
	st := p.i
	for p.i < len(p.s) && (isWordByte(p.s[p.i]) || p.s[p.i] == '.' || p.s[p.i] == '+') {
		p.i++
	}
	if st == p.i {
		return "", p.errf("expected a value but found %q", p.rest())
	}
	return p.s[st:p.i], nil
}

// set parses ('a', 'b', …) after IN.
func (p *patternParser) set() ([]string, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return nil, p.errf("expected ( after IN")
	}
	p.i++
	var out []string
	for {
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		out = append(out, lit.value)
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			return out, nil
		}
		return nil, p.errf("expected , or ) in set")
	}
}

// simplePattern is the fast path for the form every real feed uses,
// "[object:path='value']" with no spaces, escapes or quoted path parts. It
// gives the same result as the full parser (the fuzz target checks this)
// without allocating.
func simplePattern(s string) (comparison, bool) {
	if len(s) < 8 || s[0] != '[' || s[len(s)-1] != ']' || s[len(s)-2] != '\'' {
		return comparison{}, false
	}
	colon := strings.IndexByte(s, ':')
	eq := strings.IndexByte(s, '=')
	if colon < 2 || eq < colon+2 || eq+2 >= len(s)-1 || s[eq+1] != '\'' {
		return comparison{}, false
	}
	obj, path, val := s[1:colon], s[colon+1:eq], s[eq+2:len(s)-2]
	for i := 0; i < len(obj); i++ {
		if !isWordByte(obj[i]) {
			return comparison{}, false
		}
	}
	dot := true // a path may not start or end with '.', nor hold ".."
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '.' {
			if dot {
				return comparison{}, false
			}
			dot = true
			continue
		}
		if !isWordByte(c) {
			return comparison{}, false
		}
		dot = false
	}
	if dot || strings.ContainsAny(val, "'\\\"") {
		return comparison{}, false
	}
	return comparison{Object: obj, Path: path, Op: "=", Value: val}, true
}

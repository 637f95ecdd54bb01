package report

import (
	"encoding/json"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spyglass-forensics/spyglass/internal/module"
	"github.com/spyglass-forensics/spyglass/internal/safefile"
)

// Redaction hides, in the HTML page only, what a person shares with a
// helpline without meaning to: message bodies, contact names and phone
// numbers (and the messaging identifiers that are phone numbers in
// disguise). Indicator values are never hidden: they are the evidence.
//
// Three layers, because no single one is enough:
//  1. record fields whose key names such data are replaced outright;
//  2. the values of those fields, collected from the messaging modules'
//     records, are replaced wherever they appear in free text (a timeline
//     line quoting an SMS, an alert naming a contact);
//  3. patterns (international phone numbers, WhatsApp JIDs, e-mail
//     addresses) catch what the first two miss.

const (
	redacted        = "[redacted]"
	maxRedactValues = 200_000
	maxRedactBytes  = 32 << 20
	// maxScanBytes bounds how much of one messaging module file is read
	// to collect values.
	maxScanBytes = 512 << 20
)

type keyKind int

const (
	keyPlain keyKind = iota
	keyBody
	keyName
	keyPhone
	// keyAddress holds a phone number in SMS records but an IP or MAC
	// address elsewhere; only phone-like values are hidden.
	keyAddress
)

var sensitiveKeys = map[string]keyKind{
	"text": keyBody, "body": keyBody, "mms_body": keyBody, "message": keyBody, "msg": keyBody,
	"content": keyBody, "subject": keyBody, "snippet": keyBody, "caption": keyBody,
	"ztext": keyBody, "attributedbody": keyBody, "message_text": keyBody, "preview": keyBody,

	"contact_name": keyName, "display_name": keyName, "full_name": keyName, "first_name": keyName,
	"last_name": keyName, "given_name": keyName, "family_name": keyName, "nickname": keyName,
	"sender_display_name": keyName, "recipient_display_name": keyName, "partner_name": keyName,
	"zpartnername": keyName, "push_name": keyName, "pushname": keyName, "zpushname": keyName,
	"user_name": keyName, "username": keyName, "contact": keyName, "sender_name": keyName,
	"recipient_name": keyName, "group_name": keyName, "chat_name": keyName, "about": keyName,
	"resolved_name": keyName, "sender_resolved_name": keyName, "recipient_resolved_name": keyName,

	"phone": keyPhone, "phone_number": keyPhone, "phonenumber": keyPhone, "number": keyPhone,
	"handle": keyPhone, "sender": keyPhone, "recipient": keyPhone, "recipients": keyPhone,
	"from": keyPhone, "to": keyPhone, "jid": keyPhone, "zfromjid": keyPhone, "ztojid": keyPhone,
	"zcontactjid": keyPhone, "account": keyPhone, "destination_caller_id": keyPhone, "caller_id": keyPhone,
	"msisdn": keyPhone, "lid": keyPhone, "wa_id": keyPhone, "email": keyPhone, "sender_identifier": keyPhone,
	"recipient_identifier": keyPhone, "remote_resource": keyPhone, "chat_identifier": keyPhone,
	"sender_id": keyPhone, "recipient_id": keyPhone, "resolved_phone": keyPhone,

	"address": keyAddress,
}

// keyKindOf classifies a record key, case-insensitively, by its name alone:
// the safety net for modules that declare nothing (an MVT folder's module
// that spyglass does not have).
func keyKindOf(k string) keyKind {
	return sensitiveKeys[strings.ToLower(strings.TrimSpace(k))]
}

// PersonField reports whether a record key's name says it holds what a
// person wrote or who they talk to; a test holds every module's declared
// sensitive fields to it.
func PersonField(k string) bool { return keyKindOf(k) != keyPlain }

// declaredKinds indexes the sensitive fields modules declare
// (module.Descriptor.Sensitive) by slug and lower-cased key. Two
// descriptors with one slug (sms on iOS and Android) are merged: hiding
// more is the safe side.
func declaredKinds(mods []module.Descriptor) map[string]map[string]keyKind {
	out := map[string]map[string]keyKind{}
	for _, d := range mods {
		for k, s := range d.Sensitive {
			if out[d.Slug] == nil {
				out[d.Slug] = map[string]keyKind{}
			}
			out[d.Slug][strings.ToLower(k)] = sensitivityKind[s]
		}
	}
	return out
}

var sensitivityKind = map[module.Sensitivity]keyKind{
	module.Body: keyBody, module.Name: keyName, module.Phone: keyPhone, module.Address: keyAddress,
	module.NotPersonal: keyPlain,
}

// kindOf classifies a key of one module's records: what the module
// declares first, then the key's name.
func (x *redactor) kindOf(slug, key string) keyKind {
	if k, ok := x.declared[slug][strings.ToLower(strings.TrimSpace(key))]; ok {
		return k
	}
	return keyKindOf(key)
}

// messagingSlugs select the module files whose values are collected.
var messagingSlugs = []string{"sms", "mms", "message", "whatsapp", "signal", "telegram", "contact",
	"call", "interaction", "chat", "imessage", "mail", "address_book"}

var (
	rePhone = regexp.MustCompile(`\+\d[\d \-().]{5,}\d`)
	reJID   = regexp.MustCompile(`\b\d{5,}@(?:s\.whatsapp\.net|c\.us|g\.us|lid|broadcast)\b`)
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// phoneLike is a value that is plausibly a phone number (an "address"
	// field of an SMS) and not an IPv4 address.
	rePhoneLike = regexp.MustCompile(`^\+?[\d \-().]{5,20}$`)
	reIPv4      = regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}$`)
)

// redactor applies redaction; a nil or disabled redactor passes text
// through.
type redactor struct {
	repl      *strings.Replacer
	originals []string // marker number -> replaced text
	protected map[string]bool
	declared  map[string]map[string]keyKind
}

func (x *redactor) on() bool { return x != nil }

// newRedactor collects the values to hide from the records of the modules
// that hold people's words and contacts, and from the alerts' events.
// mods are the descriptors of the modules that may have written the
// folder; their declared sensitive fields add to the key names.
func newRedactor(r *Results, mods []module.Descriptor) *redactor {
	x := &redactor{protected: map[string]bool{}, declared: declaredKinds(mods)}
	c := &collector{seen: map[string]bool{}}
	for _, a := range r.Alerts {
		if a.Indicator != nil {
			x.protected[a.Indicator.Value] = true
		}
		c.walk(x.keyKinds(a.Module), "", a.Event)
	}
	if root, err := os.OpenRoot(r.Dir); err == nil {
		for _, m := range r.Modules {
			if len(x.declared[m.Slug]) > 0 || isMessaging(m.Slug) {
				c.scanFile(root, m.Path, x.keyKinds(m.Slug))
			}
		}
		root.Close()
	}
	vals := make([]string, 0, len(c.seen))
	for v := range c.seen {
		if !x.protected[v] {
			vals = append(vals, v)
		}
	}
	x.setValues(vals)
	return x
}

// setValues prepares the replacement of vals in free text. Each value is
// first replaced by a numbered marker; Text then hides a marked value only
// when it stands as a whole word, so that a contact called "apple" does
// not turn "com.apple.Preferences" into nonsense.
func (x *redactor) setValues(vals []string) {
	// Longest first: the replacer tries patterns in argument order at each
	// position, so "Alice Example" must come before "Alice".
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	var pairs []string
	x.originals = x.originals[:0]
	for _, v := range vals {
		variants := []string{v}
		// Timeline lines write newlines in message text as \n.
		if esc := strings.ReplaceAll(v, "\n", `\n`); esc != v {
			variants = append(variants, esc)
		}
		for _, w := range variants {
			pairs = append(pairs, w, "\x00"+strconv.Itoa(len(x.originals))+"\x00")
			x.originals = append(x.originals, w)
		}
	}
	x.repl = strings.NewReplacer(pairs...)
}

// unmark turns markers back into "[redacted]" where the value was a whole
// word, and into the original text where it was part of a longer word.
func (x *redactor) unmark(s string) string {
	if !strings.Contains(s, "\x00") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, 0)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i+1:], 0)
		n, err := strconv.Atoi(s[i+1 : i+1+max(j, 0)])
		if j < 0 || err != nil || n < 0 || n >= len(x.originals) {
			b.WriteString(s) // cannot happen: NUL bytes were removed before
			return b.String()
		}
		b.WriteString(s[:i])
		rest := s[i+j+2:]
		if joinsBefore(b.String()) || joinsAfter(rest) {
			b.WriteString(x.originals[n])
		} else {
			b.WriteString(redacted)
		}
		s = rest
	}
}

// wordRune reports whether r continues a word, a path or an identifier.
// A dot does only when it is followed (or preceded) by more of the word:
// "com.apple.x" joins, "Bob Example." ends a sentence.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-/@", r)
}

// joinsAfter reports whether the text after a value continues its word.
func joinsAfter(rest string) bool {
	r, n := utf8.DecodeRuneInString(rest)
	if r == '.' {
		r, _ = utf8.DecodeRuneInString(rest[n:])
	}
	return wordRune(r)
}

// joinsBefore reports whether the text before a value continues its word.
func joinsBefore(out string) bool {
	r, n := utf8.DecodeLastRuneInString(out)
	if r == '.' {
		r, _ = utf8.DecodeLastRuneInString(out[:len(out)-n])
	}
	return wordRune(r)
}

// keyKinds is kindOf for one module.
func (x *redactor) keyKinds(slug string) func(string) keyKind {
	return func(key string) keyKind { return x.kindOf(slug, key) }
}

// isMessaging names, by slug alone, the modules of folders whose records
// declare nothing (MVT's), so that their values are collected too.
func isMessaging(slug string) bool {
	for _, s := range messagingSlugs {
		if strings.Contains(slug, s) {
			return true
		}
	}
	return false
}

// Text redacts free text.
func (x *redactor) Text(s string) string {
	if !x.on() || s == "" {
		return s
	}
	// NUL marks replaced values below; text never legitimately holds it.
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	s = x.unmark(x.repl.Replace(s))
	keep := func(f func(string) string) func(string) string {
		return func(m string) string {
			if x.protected[m] {
				return m
			}
			return f(m)
		}
	}
	s = reJID.ReplaceAllStringFunc(s, keep(func(string) string { return "[phone number]" }))
	s = rePhone.ReplaceAllStringFunc(s, keep(func(string) string { return "[phone number]" }))
	s = reEmail.ReplaceAllStringFunc(s, keep(func(string) string { return "[e-mail address]" }))
	return s
}

// Field redacts one field of a record of module slug, shown as text.
func (x *redactor) Field(slug, key, val string) string {
	if !x.on() {
		return val
	}
	switch x.kindOf(slug, key) {
	case keyBody, keyName, keyPhone:
		if val == "" || val == "null" || x.protected[val] {
			return val
		}
		return redacted
	case keyAddress:
		if phoneLike(val) {
			return redacted
		}
	}
	return x.Text(val)
}

func phoneLike(v string) bool {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "@") {
		return true
	}
	return rePhoneLike.MatchString(v) && !reIPv4.MatchString(v)
}

// collector gathers the values of sensitive fields, bounded in count and
// bytes.
type collector struct {
	seen  map[string]bool
	bytes int
}

func (c *collector) add(kind keyKind, v string) {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) < 3 || len(c.seen) >= maxRedactValues || c.bytes+len(v) > maxRedactBytes {
		return
	}
	if kind == keyAddress && !phoneLike(v) {
		return
	}
	if _, ok := ParseTimestamp(v); ok {
		return
	}
	if !c.seen[v] {
		c.seen[v] = true
		c.bytes += len(v)
	}
	// A WhatsApp JID hides a phone number: hide the number alone too.
	if at := strings.IndexByte(v, '@'); at >= 5 && kind == keyPhone {
		c.add(keyPlain, v[:at])
	}
}

// walk collects from a decoded value; key is the nearest object key.
func (c *collector) walk(kindOf func(string) keyKind, key string, v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			c.walk(kindOf, k, e)
		}
	case []any:
		for _, e := range t {
			c.walk(kindOf, key, e)
		}
	case string:
		if k := kindOf(key); k != keyPlain {
			c.add(k, t)
		}
	case json.Number:
		if k := kindOf(key); k == keyPhone {
			c.add(k, t.String())
		}
	}
}

// scanFile streams a module file token by token, collecting sensitive
// values without decoding whole records.
func (c *collector) scanFile(root *os.Root, name string, kindOf func(string) keyKind) {
	f, err := safefile.OpenIn(root, name)
	if err != nil {
		return
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxScanBytes))
	dec.UseNumber()
	type frame struct {
		obj       bool
		expectKey bool
		key       string
	}
	var stack []frame
	// valueDone marks that the enclosing object now expects a key.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].expectKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return // io.EOF, a syntax error or the size limit: keep what we have
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			k, _ := tok.(string)
			stack[n-1].key, stack[n-1].expectKey = k, false
			continue
		}
		key := ""
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].obj {
				key = stack[i].key
				break
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, frame{obj: true, expectKey: true})
				continue
			case '[':
				stack = append(stack, frame{})
				continue
			case ']':
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
		case string:
			if k := kindOf(key); k != keyPlain {
				c.add(k, t)
			}
		case json.Number:
			if kindOf(key) == keyPhone {
				c.add(keyPhone, t.String())
			}
		}
		valueDone()
	}
}

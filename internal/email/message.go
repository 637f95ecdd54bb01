package email

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decodes the legacy charsets of real mail
	"github.com/emersion/go-message/mail"
	"golang.org/x/net/html"

	"github.com/spyglass-forensics/spyglass/internal/ioc"
)

// Limits on one hostile message: beyond them the rest is skipped and the record says so.
const (
	maxDepth     = 32      // MIME nesting (multipart and message/rfc822)
	maxParts     = 10_000  // parts per message
	maxTextBytes = 4 << 20 // text or HTML read per part for links
	maxLinks     = 10_000  // links kept per message
)

// Message is one email as spyglass records it in email.json.
type Message struct {
	File       string   `json:"file"`
	Index      int      `json:"index"` // 1-based position in an mbox; 1 for a single file
	Date       string   `json:"date"`
	Subject    string   `json:"subject"`
	From       []string `json:"from"`
	ReplyTo    []string `json:"reply_to,omitempty"`
	ReturnPath string   `json:"return_path,omitempty"`
	Sender     string   `json:"sender,omitempty"`
	Links      []Link   `json:"links"`
	// Expanded lists where short links led (--expand-urls).
	Expanded    []string     `json:"expanded_urls,omitempty"`
	Attachments []Attachment `json:"attachments"`
	Auth        []AuthResult `json:"authentication,omitempty"`
	Forwarded   int          `json:"forwarded_messages,omitempty"` // message/rfc822 parts unwrapped
	// ForwardedFrom are the senders of forwarded messages.
	ForwardedFrom []string `json:"forwarded_from,omitempty"`
	Problems      []string `json:"problems,omitempty"` // what could not be read
	fromNames     []string
}

// Link is a link in a text or HTML part; Text is what the HTML showed for it.
type Link struct {
	URL  string `json:"url"`
	Text string `json:"text,omitempty"`
}

// Attachment is a non-text part, hashed while streaming.
type Attachment struct {
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	MD5         string `json:"md5"`
}

type parser struct {
	msg   *Message
	parts int
}

// parseMessage reads one message from r, streaming its parts. It returns an error only when
// nothing of the message could be read; partial damage is listed in Message.Problems.
func parseMessage(r io.Reader, file string, index int) (*Message, error) {
	m := &Message{File: file, Index: index, Links: []Link{}, Attachments: []Attachment{}}
	e, err := message.ReadWithOptions(r, &message.ReadOptions{MaxHeaderBytes: 1 << 20})
	if e == nil {
		return nil, fmt.Errorf("the message header cannot be read: %w", err)
	}
	if err != nil {
		m.Problems = append(m.Problems, "header: "+err.Error())
	}
	p := &parser{msg: m}
	p.headers(mail.Header{Header: e.Header})
	p.entity(e, 0)
	_, _ = io.Copy(io.Discard, r) // the mbox reader moves on from the message's end
	return m, nil
}

// headers reads the sender fields and the receiving server's authentication results.
func (p *parser) headers(h mail.Header) {
	m := p.msg
	if d, err := h.Date(); err == nil && !d.IsZero() {
		m.Date = d.UTC().Format("2006-01-02 15:04:05.000000")
	}
	if s, err := h.Subject(); err == nil {
		m.Subject = s
	} else {
		m.Subject = h.Get("Subject") // an unknown charset: keep the raw text
	}
	for _, a := range addresses(h, "From") {
		m.From = append(m.From, a.Address)
		m.fromNames = append(m.fromNames, a.Name)
	}
	for _, a := range addresses(h, "Reply-To") {
		m.ReplyTo = append(m.ReplyTo, a.Address)
	}
	if a := addresses(h, "Sender"); len(a) > 0 {
		m.Sender = a[0].Address
	}
	m.ReturnPath = strings.Trim(strings.TrimSpace(h.Get("Return-Path")), "<>")
	m.Auth = authResults(h.Header)
}

// addresses parses an address header leniently: a malformed list still yields the addresses
// that can be read, so a sender cannot hide behind one broken comma.
func addresses(h mail.Header, key string) []*mail.Address {
	list, err := h.AddressList(key)
	if err == nil {
		return list
	}
	var out []*mail.Address
	for _, part := range strings.Split(h.Get(key), ",") {
		if a, err := mail.ParseAddress(part); err == nil {
			out = append(out, a)
		} else if s := strings.Trim(strings.TrimSpace(part), "<>"); strings.Count(s, "@") == 1 {
			out = append(out, &mail.Address{Address: s})
		}
	}
	return out
}

// entity walks one MIME entity: multipart children, forwarded messages, text for links, other
// parts hashed.
func (p *parser) entity(e *message.Entity, depth int) {
	p.parts++
	if p.parts > maxParts {
		if p.parts == maxParts+1 {
			p.problem("more than %d parts; the rest was not checked", maxParts)
		}
		return
	}
	if depth > maxDepth {
		p.problem("MIME parts nested more than %d deep; the deeper parts were not checked", maxDepth)
		return
	}
	if mr := e.MultipartReader(); mr != nil {
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if part == nil {
				if err != nil {
					p.problem("a multipart body is broken: %v", err)
				}
				return
			}
			p.entity(part, depth+1)
			if p.parts > maxParts || depth+1 > maxDepth {
				return
			}
		}
	}
	ct, params, _ := e.Header.ContentType()
	disp, dparams, _ := e.Header.ContentDisposition()
	switch {
	case ct == "message/rfc822" || ct == "message/global":
		inner, err := message.Read(e.Body)
		if inner == nil {
			p.problem("a forwarded message cannot be read: %v", err)
			return
		}
		p.msg.Forwarded++
		p.forwardedHeaders(mail.Header{Header: inner.Header})
		p.entity(inner, depth+1)
	case (ct == "text/plain" || ct == "text/html" || ct == "") && disp != "attachment":
		p.text(e.Body, ct == "text/html")
	default:
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
		p.attachment(e.Body, name, ct)
	}
}

// forwardedHeaders keeps the senders of a forwarded message: the original phishing sender is
// often only there when a person forwards a suspicious email to a helpline.
func (p *parser) forwardedHeaders(h mail.Header) {
	for _, k := range []string{"From", "Reply-To", "Sender"} {
		for _, a := range addresses(h, k) {
			if len(p.msg.ForwardedFrom) < 100 {
				p.msg.ForwardedFrom = append(p.msg.ForwardedFrom, a.Address)
			}
		}
	}
}

func (p *parser) problem(format string, args ...any) {
	if len(p.msg.Problems) < 20 {
		p.msg.Problems = append(p.msg.Problems, fmt.Sprintf(format, args...))
	}
}

func (p *parser) addLink(u, text string) {
	if len(p.msg.Links) < maxLinks {
		p.msg.Links = append(p.msg.Links, Link{URL: u, Text: text})
	}
}

// text extracts the links of a text or HTML part (first maxTextBytes), and drains the rest.
func (p *parser) text(body io.Reader, isHTML bool) {
	lr := &io.LimitedReader{R: body, N: maxTextBytes}
	var b []byte
	var err error
	if isHTML {
		p.htmlLinks(lr)
	} else {
		b, err = io.ReadAll(lr)
		for _, u := range ioc.ExtractURLs(string(b)) {
			p.addLink(u, "")
		}
	}
	if err != nil && !errors.Is(err, io.EOF) {
		p.problem("a text part is damaged: %v", err)
	}
	if _, err := io.Copy(io.Discard, body); err != nil {
		p.problem("a text part is damaged: %v", err)
	}
}

// htmlLinks reads <a href> targets with their visible text, so a text naming another host than
// the link opens can be caught.
func (p *parser) htmlLinks(r io.Reader) {
	z := html.NewTokenizer(r)
	var href string
	var text strings.Builder
	inA := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			if inA && href != "" {
				p.addLink(href, strings.TrimSpace(text.String()))
			}
			return
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "a" {
				if inA && href != "" {
					p.addLink(href, strings.TrimSpace(text.String()))
				}
				inA, href = true, ""
				text.Reset()
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = strings.TrimSpace(string(v))
					}
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && inA {
				if href != "" {
					p.addLink(href, strings.TrimSpace(text.String()))
				}
				inA = false
			}
		case html.TextToken:
			if inA && text.Len() < 1024 {
				text.Write(z.Text())
			} else if !inA {
				// A bare address in the visible text is a link too, once copied.
				for _, u := range ioc.ExtractURLs(string(z.Text())) {
					p.addLink(u, "")
				}
			}
		}
	}
}

// attachment hashes a part while streaming it (a 2 GB attachment never sits in memory).
func (p *parser) attachment(body io.Reader, name, ct string) {
	s, m := sha256.New(), md5.New()
	n, err := io.Copy(io.MultiWriter(s, m), body)
	if err != nil {
		p.problem("attachment %q is damaged (%v); its hashes cover the readable part only", name, err)
	}
	p.msg.Attachments = append(p.msg.Attachments, Attachment{FileName: name, ContentType: ct, Size: n,
		SHA256: hex.EncodeToString(s.Sum(nil)), MD5: hex.EncodeToString(m.Sum(nil))})
}

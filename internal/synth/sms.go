package synth

import (
	"fmt"
	"strings"
)

// smsTexts are everyday messages; "%s" marks where a link goes.
var smsTexts = []string{
	"Running 10 minutes late, sorry!",
	"Can you pick up bread on the way home?",
	"Happy birthday!! 🎉",
	"Ok see you there",
	"Did you get my email?",
	"Call me when you can",
	"The meeting moved to 3pm",
	"Thanks, that was great",
	"Where are you?",
	"Sure, sounds good 👍",
	"I left the keys with the neighbour",
	"Are we still on for tomorrow?",
	"Good night x",
	"Your verification code is 482913. Do not share it with anyone.",
	"Can you send me the address?",
	"Look at this %s",
	"Here is the article I mentioned: %s",
	"Tickets are here %s",
	"Photos from Saturday: %s",
}

// benignLinkHosts are well-known sites; none is in any indicator feed (the
// demo test checks that the backup raises only the planted alerts).
var benignLinkHosts = []string{
	"en.wikipedia.org", "www.bbc.co.uk", "www.youtube.com", "github.com",
	"www.theguardian.com", "maps.apple.com", "www.openstreetmap.org", "www.reuters.com",
}

// smsLures are the kinds of pretexts seen in the Pegasus, Predator and
// stalkerware SMS reported by Amnesty and Citizen Lab; "%s" is the link.
var smsLures = []string{
	"Your parcel could not be delivered. Reschedule delivery: %s",
	"Urgent: a document about you was published, read it here %s",
	"Your account will be suspended. Verify now %s",
	"Protest tomorrow at 6pm, details: %s",
}

func (g *gen) benignURL() string {
	host := pick(g, benignLinkHosts)
	return fmt.Sprintf("https://%s/%s", host, g.hexString(6+g.intn(6)))
}

// traceURL turns a trace value into a link: a URL is kept, a domain gets a
// random path as the one-click links seen in infection attempts.
func (g *gen) traceURL(v string) string {
	if strings.Contains(v, "://") {
		return v
	}
	return fmt.Sprintf("https://%s/%s", v, g.hexString(8))
}

// spread returns the positions, among total rows, of k planted rows, evenly
// spaced so traces do not bunch at the start or the end.
func spread(k, total int) map[int]int {
	pos := make(map[int]int, k)
	for j := 0; j < k; j++ {
		pos[(j+1)*total/(k+1)] = j
	}
	return pos
}

func writeSMS(path string, s *Spec) error {
	g := newGen(s.Seed, "sms")
	traces := s.traces(SMSLink)
	total := s.SMS + len(traces)
	w, err := createDB(path, smsSchema)
	if err != nil {
		return err
	}
	defer w.close()

	// Correspondents: one 1:1 chat each; the traces come from numbers seen
	// once (the attacker's), as real infection attempts do.
	nHandles := min(max(total/25, 1), 3000)
	handles := make([]string, nHandles)
	for i := range handles {
		handles[i] = g.phone()
	}
	ownNumber, ownEmail := g.phone(), fmt.Sprintf("user%d@icloud.com", 1000+g.intn(9000))
	accountGUID := g.uuid()
	err = w.load(func(l *loader) error {
		h, err := l.prepare(`INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id) VALUES (?, 'us', ?, ?, ?)`)
		if err != nil {
			return err
		}
		c, err := l.prepare(`INSERT INTO chat (guid, style, state, account_id, chat_identifier, service_name, account_login, last_addressed_handle, last_read_message_timestamp) VALUES (?, 45, 3, ?, ?, ?, ?, ?, 0)`)
		if err != nil {
			return err
		}
		chj, err := l.prepare(`INSERT INTO chat_handle_join (chat_id, handle_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		for i := 0; i < nHandles+len(traces); i++ {
			var id string
			if i < nHandles {
				id = handles[i]
			} else {
				id = g.phone()
			}
			service := "iMessage"
			if i%3 == 0 || i >= nHandles {
				service = "SMS"
			}
			if err := h.row(id, service, strings.TrimPrefix(id, "+1"), g.uuid()); err != nil {
				return err
			}
			if err := c.row(service+";-;"+id, accountGUID, id, service, "E:"+ownEmail, ownNumber); err != nil {
				return err
			}
			if err := chj.row(i+1, i+1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	planted := spread(len(traces), total)
	err = w.load(func(l *loader) error {
		msg, err := l.prepare(`INSERT INTO message (guid, text, handle_id, service, account, account_guid, date, date_read, date_delivered,
			is_delivered, is_finished, is_from_me, is_read, is_sent, cache_has_attachments, was_data_detected, sort_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 0)`)
		if err != nil {
			return err
		}
		cmj, err := l.prepare(`INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		att, err := l.prepare(`INSERT INTO attachment (guid, created_date, start_date, filename, uti, mime_type, transfer_state, is_outgoing, transfer_name, total_bytes, original_guid)
			VALUES (?, ?, 0, ?, 'public.heic', 'image/heic', 5, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		maj, err := l.prepare(`INSERT INTO message_attachment_join (message_id, attachment_id) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		nAtt := 0
		for i := 0; i < total; i++ {
			t := g.timeAt(i, total)
			date := int64(t * 1e9) // iOS 11+ stores nanoseconds
			var text string
			handle := 1 + g.intn(nHandles)
			fromMe := g.chance(0.45)
			hasAtt := false
			if j, ok := planted[i]; ok {
				handle, fromMe = nHandles+1+j, false
				text = fmt.Sprintf(pick(g, smsLures), g.traceURL(traces[j].Value))
			} else {
				text = pick(g, smsTexts)
				if strings.Contains(text, "%s") {
					text = fmt.Sprintf(text, g.benignURL())
				}
				hasAtt = g.chance(0.01)
			}
			service, account := "iMessage", "E:"+ownEmail
			if (handle-1)%3 == 0 || handle > nHandles {
				service, account = "SMS", "p:"+ownNumber
			}
			var dateRead, dateDelivered int64
			isRead := 0
			if fromMe {
				dateDelivered = date + int64(1+g.intn(20))*1e9
			} else if !g.chance(0.02) {
				dateRead = date + int64(1+g.intn(3600))*1e9
				isRead = 1
			}
			if err := msg.row(g.uuid(), text, handle, service, account, accountGUID, date, dateRead, dateDelivered,
				b2i(fromMe), b2i(fromMe), isRead, b2i(fromMe), b2i(hasAtt), b2i(strings.Contains(text, "http"))); err != nil {
				return err
			}
			if err := cmj.row(handle, i+1, date); err != nil {
				return err
			}
			if hasAtt {
				nAtt++
				guid := g.uuid()
				name := fmt.Sprintf("IMG_%04d.HEIC", 1000+nAtt%9000)
				file := fmt.Sprintf("~/Library/SMS/Attachments/%02x/%02d/%s/%s", g.intn(256), g.intn(16), guid, name)
				if err := att.row(guid, int64(t), file, b2i(fromMe), name, 200000+g.intn(3000000), guid); err != nil {
					return err
				}
				if err := maj.row(i+1, nAtt); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.exec(smsIndexes...); err != nil {
		return err
	}
	if err := w.exec(`INSERT INTO _SqliteDatabaseProperties (key, value) VALUES ('_ClientVersion', '14006'), ('counter_in_all', '` +
		fmt.Sprint(total) + `'), ('counter_last_reset', '0')`); err != nil {
		return err
	}
	return w.close()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

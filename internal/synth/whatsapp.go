package synth

import (
	"fmt"
	"strings"
)

var whatsAppTexts = []string{
	"Hi! How are you?", "On my way", "😂😂", "See you tomorrow", "Can you send the document?",
	"Thanks!", "Where shall we meet?", "Happy new year 🎆", "Call you later", "👍",
	"Did you see the news?", "I'm at the station", "Look: %s", "This is interesting %s",
}

var whatsAppNames = []string{"Maria", "Ahmed", "Li Wei", "Olga", "Carlos", "Fatima", "John", "Aisha", "Yuki", "Pierre"}

func jid(number string) string { return strings.TrimPrefix(number, "+") + "@s.whatsapp.net" }

// whatsAppChats is how many ordinary 1:1 chats n messages are spread over
// (each trace comes in a chat of its own).
func whatsAppChats(n int) int { return min(max(n/100, 1), 500) }

// writeWhatsApp writes ChatStorage.sqlite: WhatsAppMessages messages in 1:1
// chats (some with a link preview, some photos), plus one received message
// per WhatsAppLink trace, from a number seen only once.
func writeWhatsApp(path string, s *Spec) error {
	g := newGen(s.Seed, "whatsapp")
	traces := s.traces(WhatsAppLink)
	total := s.WhatsAppMessages + len(traces)
	nChats := whatsAppChats(s.WhatsAppMessages)
	type chat struct {
		jid, name string
		count     int
		last      float64
		lastText  string
	}
	chats := make([]chat, nChats+len(traces))
	for i := range chats {
		chats[i].jid = jid(g.phone())
		if i < nChats {
			chats[i].name = pick(g, whatsAppNames)
		}
	}
	w, err := createDB(path, whatsAppSchema)
	if err != nil {
		return err
	}
	defer w.close()
	planted := spread(len(traces), total)
	nMedia, nData := 0, 0
	err = w.load(func(l *loader) error {
		msg, err := l.prepare(`INSERT INTO ZWAMESSAGE (Z_PK, Z_ENT, Z_OPT, ZISFROMME, ZMESSAGESTATUS, ZMESSAGETYPE, ZSORT, ZCHATSESSION, ZMEDIAITEM,
			ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZSTANZAID, ZTEXT, ZTOJID, ZFLAGS, ZDATAITEMVERSION)
			VALUES (?, 3, 3, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`)
		if err != nil {
			return err
		}
		media, err := l.prepare(`INSERT INTO ZWAMEDIAITEM (Z_PK, Z_ENT, Z_OPT, ZFILESIZE, ZMEDIAORIGIN, ZMESSAGE, ZMEDIAURLDATE, ZMEDIALOCALPATH, ZMEDIAURL, ZMEDIAKEY)
			VALUES (?, 4, 2, ?, 0, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		data, err := l.prepare(`INSERT INTO ZWAMESSAGEDATAITEM (Z_PK, Z_ENT, Z_OPT, ZINDEX, ZMESSAGE, ZDATE, ZCONTENT1, ZCONTENT2, ZMATCHEDTEXT, ZSUMMARY, ZTITLE, ZTYPE)
			VALUES (?, 5, 1, 0, ?, ?, ?, NULL, ?, ?, ?, 0)`)
		if err != nil {
			return err
		}
		for i := 0; i < total; i++ {
			pk := i + 1
			t := g.timeAt(i, total)
			c := g.intn(nChats)
			fromMe := g.chance(0.45)
			msgType := 0
			var text, link any
			if j, ok := planted[i]; ok {
				c, fromMe = nChats+j, false
				u := g.traceURL(traces[j].Value)
				text, link = fmt.Sprintf(pick(g, smsLures), u), u
			} else if g.chance(0.02) {
				msgType = 1 // photo, no text
			} else {
				s := pick(g, whatsAppTexts)
				if strings.Contains(s, "%s") {
					u := g.benignURL()
					s, link = fmt.Sprintf(s, u), u
				}
				text = s
			}
			ch := &chats[c]
			ch.count++
			ch.last = t
			if s, ok := text.(string); ok {
				ch.lastText = s
			}
			var from, to any = ch.jid, nil
			if fromMe {
				from, to = nil, ch.jid
			}
			var mediaPK any
			if msgType == 1 {
				nMedia++
				mediaPK = nMedia
			}
			status := 8 // read
			if fromMe {
				status = 13 // delivered and read by the contact
			}
			if err := msg.row(pk, b2i(fromMe), status, msgType, pk, c+1, mediaPK, t, t, from,
				strings.ToUpper(g.hexString(20)), text, to, b2i(link != nil)); err != nil {
				return err
			}
			if msgType == 1 {
				// Media is fetched from WhatsApp's CDN; MVT drops these
				// URLs from the links it checks.
				mediaURL := fmt.Sprintf("https://mmg.whatsapp.net/v/t62.7118-24/%d_%d_n.enc?ccb=11-4", 10000000+g.intn(89999999), g.intn(1000000000))
				local := fmt.Sprintf("Media/%s/%x/%s.jpg", ch.jid, g.intn(16), g.uuid())
				if err := media.row(nMedia, 50000+g.intn(2000000), pk, t, local, mediaURL, []byte(g.hexString(32))); err != nil {
					return err
				}
			}
			if link != nil {
				nData++
				if err := data.row(nData, pk, t, link, link, "", pick(g, pageTitles)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = w.load(func(l *loader) error {
		sess, err := l.prepare(`INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, Z_OPT, ZARCHIVED, ZHIDDEN, ZMESSAGECOUNTER, ZREMOVED, ZSESSIONTYPE, ZUNREADCOUNT,
			ZLASTMESSAGEDATE, ZCONTACTJID, ZLASTMESSAGETEXT, ZPARTNERNAME) VALUES (?, 1, 5, 0, 0, ?, 0, 0, 0, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i, ch := range chats {
			var last, text any
			if ch.count > 0 {
				last, text = ch.last, ch.lastText
			}
			name := ch.name
			if name == "" {
				name = "+" + strings.TrimSuffix(ch.jid, "@s.whatsapp.net")
			}
			if err := sess.row(i+1, ch.count, last, ch.jid, text, name); err != nil {
				return err
			}
		}
		pk, err := l.prepare(`INSERT INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) VALUES (?, ?, 0, ?)`)
		if err != nil {
			return err
		}
		maxes := map[string]int{"WAChatSession": len(chats), "WAMessage": total, "WAMediaItem": nMedia, "WAMessageDataItem": nData}
		for i, e := range whatsAppEntities {
			if err := pk.row(i+1, e, maxes[e]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.exec(whatsAppIndexes...); err != nil {
		return err
	}
	return w.close()
}

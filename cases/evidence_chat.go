package cases

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// ChatTranscript is what ParseChat recognised in a pasted chat excerpt.
type ChatTranscript struct {
	Parsed bool       `json:"parsed"`
	Lines  []ChatLine `json:"lines"`
}

// The time stamps chat tools print: an optional date (2026-11-20,
// 2026/11/20, 2026.11.20, 2026年11月20日) and a time of day with or without
// seconds; colons may be full-width.
const (
	chatDate  = `\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?`
	chatClock = `\d{1,2}[:：]\d{2}(?:[:：]\d{2})?`
	chatStamp = `(?:` + chatDate + `[ T\x{3000}]+)?` + chatClock
)

var (
	// bracketLine is "[time] name: message", the layout of many chat tools'
	// copy-and-paste, with ASCII or full-width brackets and colons.
	bracketLine = regexp.MustCompile(`^[\[【［(（]\s*(` + chatStamp + `)\s*[\]】］)）]\s*([^:：\s][^:：]*?)\s*[:：][ \t\x{3000}]?(.*)$`)
	// headerLine is "name time" (or "name (time):") alone on its line, the
	// layout of Taobao/Qianniu exports; the message follows on the next lines.
	headerLine = regexp.MustCompile(`^([^\s:：\[【［(（][^:：]*?)[ \t\x{3000}]+[(（]?(` + chatStamp + `)[)）]?\s*[:：]?$`)
)

// maxSpeaker bounds a header's speaker, in characters: a longer "name" is a
// message that happens to end with a time.
const maxSpeaker = 32

// ParseChat recognises the lines of a chat transcript in one of two
// layouts: "[time] name: message" lines, or "name time" header lines each
// followed by the message's lines. Lines that follow a message without a
// header of their own continue it (multi-line messages). Text in neither
// layout, or with text before its first message, is not parsed: the caller
// keeps it whole. ParseChat never changes the text it is given.
func ParseChat(text string) ChatTranscript {
	lines := strings.Split(text, "\n")
	for _, header := range []func(string) (ChatLine, bool){bracketHeader, nameTimeHeader} {
		if out, ok := parseLayout(lines, header); ok {
			return ChatTranscript{Parsed: true, Lines: out}
		}
	}
	return ChatTranscript{Parsed: false, Lines: []ChatLine{}}
}

func parseLayout(lines []string, header func(string) (ChatLine, bool)) ([]ChatLine, bool) {
	var out []ChatLine
	for _, raw := range lines {
		line := strings.TrimRight(raw, " \t\r\u3000")
		if h, ok := header(line); ok {
			out = append(out, h)
			continue
		}
		if len(out) == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			return nil, false
		}
		last := &out[len(out)-1]
		if last.Message != "" || strings.TrimSpace(line) != "" {
			last.Message += "\n" + line
		}
	}
	for i := range out {
		out[i].Message = strings.TrimSpace(out[i].Message)
	}
	return out, len(out) > 0
}

func bracketHeader(line string) (ChatLine, bool) {
	m := bracketLine.FindStringSubmatch(strings.TrimLeft(line, " \t\u3000"))
	if m == nil {
		return ChatLine{}, false
	}
	return ChatLine{At: m[1], Speaker: strings.TrimSpace(m[2]), Message: m[3]}, true
}

func nameTimeHeader(line string) (ChatLine, bool) {
	m := headerLine.FindStringSubmatch(strings.TrimLeft(line, " \t\u3000"))
	if m == nil {
		return ChatLine{}, false
	}
	speaker := strings.TrimSpace(m[1])
	if utf8.RuneCountInString(speaker) > maxSpeaker || len(strings.Fields(speaker)) > 3 {
		return ChatLine{}, false
	}
	return ChatLine{At: m[2], Speaker: speaker}, true
}

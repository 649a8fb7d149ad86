package tone

import (
	"unicode"
	"unicode/utf8"
)

// view is a text as the rules see it. Normalising first lets one pattern
// find a wording however it is dressed up — "好 评 返 现", "５星", "好評" —
// while warnings still point into the original text.
//
// Each rune of the original becomes zero or more runes of the view:
//   - invisible characters (zero-width spaces and joiners, variation
//     selectors, soft hyphens, bidi controls) vanish;
//   - letters are lower-cased; full-width letters, digits, ％ and ＄ become
//     their ASCII forms; the ideographic space becomes a space;
//   - a few traditional characters become simplified (評→评, 現→现, …);
//   - a few emoji become the word they stand for (🧧→红包, ⭐→星, 🎁→礼物,
//     💰→现金);
//   - a run of spaces and symbols between two Chinese characters (or a Chinese
//     character and a digit) is squeezed out; a run that holds clause
//     punctuation (，。！？；、… and ASCII , . ! ? ; and newlines) is kept,
//     unless it stands between two single Chinese characters, as in
//     "好，评，返，现".
type view struct {
	s string
	// from[i] is the offset in the original of the rune that byte i of s
	// came from.
	from  []int32
	text  string // the original
	han   bool   // the text holds Chinese characters
	latin bool   // the text holds Latin letters
}

// class sorts the runes of the view for squeezing.
type class uint8

const (
	clsGap   class = iota // spaces, symbols, punctuation within a clause
	clsBreak              // punctuation that ends a clause or a sentence
	clsHan
	clsDigit
	clsWord // other letters and numbers
)

// item is one rune of the original on its way into the view. It holds no
// pointers, so a slice of them costs the collector nothing.
type item struct {
	r     rune  // the rune the original becomes
	start int32 // its offset in the original
	run   int32 // for a Chinese character, the length of its run of them
	cls   class
	repl  uint8 // when not 0, the index in replacements of the text it becomes instead of r
}

// newView normalises text. text must be at most MaxTextBytes long.
func newView(text string) *view {
	v := &view{text: text}
	items := make([]item, 0, utf8.RuneCountInString(text))
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		start := i
		i += w
		if invisible(r) {
			continue
		}
		f, repl := fold(r)
		first := f
		if repl != 0 {
			first, _ = utf8.DecodeRuneInString(replacements[repl])
		}
		it := item{r: f, repl: repl, start: int32(start), cls: classify(first)}
		switch {
		case it.cls == clsHan:
			v.han = true
		case 'a' <= f && f <= 'z':
			v.latin = true
		}
		items = append(items, it)
	}
	for i := 0; i < len(items); {
		if items[i].cls != clsHan {
			i++
			continue
		}
		j := i
		for j < len(items) && items[j].cls == clsHan {
			j++
		}
		for k := i; k < j; k++ {
			items[k].run = int32(j - i)
		}
		i = j
	}

	buf := make([]byte, 0, len(text)+8)
	v.from = make([]int32, 0, len(text)+8)
	emit := func(it item) {
		n := len(buf)
		if it.repl != 0 {
			buf = append(buf, replacements[it.repl]...)
		} else {
			buf = utf8.AppendRune(buf, it.r)
		}
		for range len(buf) - n {
			v.from = append(v.from, it.start)
		}
	}
	for i := 0; i < len(items); {
		if c := items[i].cls; c != clsGap && c != clsBreak {
			emit(items[i])
			i++
			continue
		}
		j, breaks := i, false
		for j < len(items) && (items[j].cls == clsGap || items[j].cls == clsBreak) {
			breaks = breaks || items[j].cls == clsBreak
			j++
		}
		if i > 0 && j < len(items) && squeezed(items[i-1], items[j], breaks) {
			i = j
			continue
		}
		for ; i < j; i++ {
			emit(items[i])
		}
	}
	v.s = string(buf)
	return v
}

// squeezed decides whether the gap between l and r disappears.
func squeezed(l, r item, breaks bool) bool {
	lh, rh := l.cls == clsHan, r.cls == clsHan
	if !lh && !rh || !lh && l.cls != clsDigit || !rh && r.cls != clsDigit {
		return false
	}
	if !breaks {
		return true
	}
	return lh && rh && l.run == 1 && r.run == 1
}

// span returns the original span of view bytes [s, e), e > s.
func (v *view) span(s, e int) (int, int) {
	start := int(v.from[s])
	last := int(v.from[e-1])
	_, w := utf8.DecodeRuneInString(v.text[last:])
	return start, last + w
}

func classify(r rune) class {
	switch {
	case 0x4E00 <= r && r <= 0x9FFF: // the common CJK block, the bulk of a Chinese text
		return clsHan
	case r < utf8.RuneSelf:
		switch {
		case '0' <= r && r <= '9':
			return clsDigit
		case r == '%':
			return clsWord
		case isBreak(r):
			return clsBreak
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
			return clsWord
		}
		return clsGap
	case unicode.Is(unicode.Han, r):
		return clsHan
	case '0' <= r && r <= '9':
		return clsDigit
	case r == '%':
		// "100%" must stay whole: a percentage is a claim, not a disguise.
		return clsWord
	case isBreak(r):
		return clsBreak
	case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
		return clsWord
	}
	return clsGap
}

func isBreak(r rune) bool {
	switch r {
	case '。', '，', '、', '！', '？', '；', '…', '⋯', '．', '｡', '､',
		'.', ',', '!', '?', ';', '\n', '\r', '\v', '\f', 0x2028, 0x2029:
		return true
	}
	return false
}

// invisible reports runes that show nothing and so can hide inside a word.
func invisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r == 0x180E, r == 0x3164, r == 0xFEFF, r == 0xFFA0:
		return true
	case 0x200B <= r && r <= 0x200F, 0x202A <= r && r <= 0x202E, 0x2060 <= r && r <= 0x206F,
		0xFE00 <= r && r <= 0xFE0F, 0xE0000 <= r && r <= 0xE007F, 0xE0100 <= r && r <= 0xE01EF:
		return true
	}
	return false
}

// fold returns what r becomes in the view: a rune, or the text
// replacements[repl] when repl is not 0.
func fold(r rune) (f rune, repl uint8) {
	switch {
	case 'A' <= r && r <= 'Z':
		return r + ('a' - 'A'), 0
	case r < utf8.RuneSelf:
		return r, 0
	case 0xFF10 <= r && r <= 0xFF19, 0xFF21 <= r && r <= 0xFF3A, 0xFF41 <= r && r <= 0xFF5A, r == 0xFF04, r == 0xFF05:
		return lowerRune(r - 0xFEE0), 0
	case r == 0x3000:
		return ' ', 0
	}
	if 0x4E00 <= r && r <= 0x9FFF {
		// Chinese characters have no case; only a few are traditional forms.
		if s, ok := simplified[r]; ok {
			return s, 0
		}
		return r, 0
	}
	if w := emojiWord(r); w != 0 {
		return 0, w
	}
	return lowerRune(r), 0
}

// foldRune returns what r becomes in the view when that is not r itself.
func foldRune(r rune) (string, bool) {
	if invisible(r) {
		return "", true
	}
	f, repl := fold(r)
	if repl != 0 {
		return replacements[repl], true
	}
	if f != r {
		return string(f), true
	}
	return "", false
}

func lowerRune(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + ('a' - 'A')
	}
	if r < utf8.RuneSelf {
		return r
	}
	return unicode.ToLower(r)
}

// replacements are the words some emoji stand for; index 0 is unused.
var replacements = [...]string{"", "红包", "星", "礼物", "现金"}

// emojiWord returns the index in replacements of the word an emoji stands
// for, or 0.
func emojiWord(r rune) uint8 {
	switch r {
	case 0x1F9E7: // 🧧 red envelope
		return 1
	case 0x2B50, 0x2605, 0x1F31F: // ⭐ ★ 🌟
		return 2
	case 0x1F381: // 🎁
		return 3
	case 0x1F4B0, 0x1F4B5, 0x1F4B4: // 💰 💵 💴
		return 4
	}
	return 0
}

// simplified maps the traditional forms of characters the default rules use,
// so "好評返現" reads as "好评返现".
var simplified = map[rune]rune{
	'評': '评', '現': '现', '紅': '红', '優': '优', '贈': '赠', '禮': '礼',
	'刪': '删', '還': '还', '絕': '绝', '對': '对', '證': '证', '換': '换', '給': '给',
	'領': '领', '錢': '钱', '圖': '图', '論': '论', '價': '价', '補': '补', '償': '偿',
	'顆': '颗', '責': '责', '誤': '误', '問': '问', '題': '题', '歡': '欢', '謝': '谢',
	'寫': '写', '條': '条', '須': '须', '這': '这', '們': '们', '沒': '没', '辦': '办',
	'氣': '气', '處': '处', '裡': '里', '後': '后', '發': '发', '貨': '货', '遞': '递',
	'與': '与', '關': '关', '係': '系', '應': '应', '該': '该', '據': '据', '會': '会',
	'麼': '么', '幾': '几', '單': '单', '費': '费', '額': '额', '獎': '奖', '勵': '励',
	'劵': '券', // a common miswriting of 券
}

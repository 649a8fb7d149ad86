// Package chat recognises the chat transcripts that agents paste as
// evidence: who said what, and when, in the layouts of the chat tools that
// e-commerce service desks use (Qianniu/Wangwang, JD, Pinduoduo, Douyin,
// WeChat, Shopify, Amazon).
//
// A transcript is parsed as a whole: every candidate layout is tried, a
// header is only believed when it agrees with the other headers of the same
// paste, and the layout that explains the text best wins. A misattributed
// line (one speaker's words under another) is the worst defect evidence can
// have, so when nothing fits confidently the transcript is left unparsed and
// the caller keeps the raw text. Parsing never drops or reorders text: the
// preamble, the header material and the messages account for every
// non-blank character of the input, in order.
package chat

import (
	"fmt"
	"time"
)

// Role is the part a speaker plays in an after-sales conversation.
type Role string

// The roles a line can have; RoleUnknown when the parser cannot tell.
const (
	RoleUnknown Role = ""
	RoleBuyer   Role = "buyer"
	RoleShop    Role = "shop"
	RoleSystem  Role = "system"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleUnknown, RoleBuyer, RoleShop, RoleSystem:
		return true
	}
	return false
}

// Line is one message of a transcript.
type Line struct {
	// At is the time as the transcript wrote it ("" if none).
	At string `json:"at"`
	// AtTime is the instant, when the transcript gives a full date with the
	// time (on the header or on a date line above it); nil otherwise. No
	// year is ever guessed.
	AtTime *time.Time `json:"at_time,omitempty"`
	// Speaker is the speaker's name as written ("旗舰店:小美",
	// "tb_buyer88", "Amazon Customer"); "" for system notices and for text
	// whose speaker the transcript does not show.
	Speaker string `json:"speaker"`
	Role    Role   `json:"role"`
	Message string `json:"message"`
	// System marks a line that is not words typed by a person: platform
	// notices (系统提示, 以上是历史消息, "The buyer has viewed…") and the
	// placeholders of images, stickers, cards and links. A placeholder keeps
	// the speaker who sent it.
	System bool `json:"system"`
	// Header is the header material of the line exactly as written (the
	// name, the time, their brackets and separators, and any date line
	// above them), so that nothing of the input is lost.
	Header string `json:"header,omitempty"`
}

// Transcript is what Parse recognised in a pasted chat excerpt.
type Transcript struct {
	// Layout names the layout recognised: one of the Layout* constants, or
	// "" when the text was not parsed.
	Layout string `json:"layout"`
	Parsed bool   `json:"parsed"`
	Lines  []Line `json:"lines"`
	// Preamble is the text before the first message (a heading), verbatim.
	Preamble string `json:"preamble,omitempty"`
}

// The layouts Parse recognises.
const (
	// LayoutInline is one message per line with its time and speaker:
	// "[10:01] 小王: 杯子碎了", "2026-11-20 10:01:02 小王：…",
	// "小王 (2026-11-20 10:01:02): …".
	LayoutInline = "inline"
	// LayoutNameTime is a header line "name time" (or "name(time):") with
	// the message on the following lines: Qianniu/Wangwang, JD 咚咚,
	// Pinduoduo, WeChat chat-record copies, "Jane Doe · Nov 20, 2026, 2:03 PM".
	LayoutNameTime = "name-time"
	// LayoutTimeName is a header line "time name" with the message below.
	LayoutTimeName = "time-name"
	// LayoutStacked puts name, time and message on separate lines (Douyin
	// 飞鸽, Shopify Inbox, Amazon Buyer-Seller Messages), or a name line and
	// its message under time separators (WeChat).
	LayoutStacked = "stacked"
	// LayoutNameColon is "name: message" lines, with optional time lines
	// between them: "Customer:"/"You:", WeChat "小王：…".
	LayoutNameColon = "name-colon"
	// LayoutTable is a copied table with tab-separated cells: sender, time,
	// message (Pinduoduo and JD back-office record queries).
	LayoutTable = "table"
)

// Parse recognises the messages of a chat transcript. Times with a full
// date are interpreted in loc (UTC when loc is nil) unless the transcript
// gives an offset. Parse never panics; when it cannot place the text
// confidently it returns an unparsed Transcript with no lines.
func Parse(text string, loc *time.Location) (t Transcript) {
	defer func() {
		if recover() != nil {
			t = unparsed()
		}
	}()
	t = parse(text, loc)
	if t.Parsed && checkCoverage(text, t) != nil {
		// A parse that would lose or reorder text is a bug; keeping the
		// raw text is always safe.
		return unparsed()
	}
	return t
}

func unparsed() Transcript {
	return Transcript{Parsed: false, Lines: []Line{}}
}

// Speakers returns the distinct speakers of t in the order they first
// speak; system notices and unattributed text have none.
func Speakers(t Transcript) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, l := range t.Lines {
		if l.Speaker == "" || seen[l.Speaker] {
			continue
		}
		seen[l.Speaker] = true
		out = append(out, l.Speaker)
	}
	return out
}

// WithRoles returns a copy of t in which every line of a speaker named in
// roles has that role: the agent's confirmation of who is the buyer and who
// the shop overrides the guess. Roles that are not valid are ignored, and
// so are system notices (lines without a speaker).
func (t Transcript) WithRoles(roles map[string]Role) Transcript {
	lines := make([]Line, len(t.Lines))
	copy(lines, t.Lines)
	for i := range lines {
		if lines[i].Speaker == "" {
			continue
		}
		if r, ok := roles[lines[i].Speaker]; ok && r.Valid() {
			lines[i].Role = r
		}
	}
	t.Lines = lines
	return t
}

// checkCoverage reports whether t accounts for every non-blank character
// of text, in order: the preamble, then each line's header and message.
func checkCoverage(text string, t Transcript) error {
	want := visible(text)
	var got []rune
	got = append(got, visible(t.Preamble)...)
	for _, l := range t.Lines {
		got = append(got, visible(l.Header)...)
		got = append(got, visible(l.Message)...)
	}
	if len(got) != len(want) {
		return fmt.Errorf("chat: parse accounts for %d visible characters of %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("chat: parse differs from the text at visible character %d: %q, want %q", i, got[i], want[i])
		}
	}
	return nil
}

// visible is the sequence of characters of s that carry content: all but
// blanks (white space, zero-width spaces, byte-order marks). An invalid
// UTF-8 byte counts as one U+FFFD.
func visible(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if !blank(r) {
			out = append(out, r)
		}
	}
	return out
}

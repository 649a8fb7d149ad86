package chat

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

// speakerOf returns the speaker of the line whose message contains s.
func speakerOf(t *testing.T, tr Transcript, s string) string {
	t.Helper()
	for _, l := range tr.Lines {
		if strings.Contains(l.Message, s) {
			return l.Speaker
		}
	}
	t.Fatalf("no line holds %q in %+v", s, tr.Lines)
	return ""
}

// TestTrapsAreNotSpeakers: a message line that ends in a time never
// becomes a header, in any layout.
func TestTrapsAreNotSpeakers(t *testing.T) {
	tests := []struct {
		name, text, line, speaker string
	}{
		{"LatestTimeQianniu", "tb_a 2026-11-20 10:01:02\n退款\n最晚 18:00\n旗舰店:小美 2026-11-20 10:01:30\n好的\n", "最晚 18:00", "tb_a"},
		{"LatestTimeTimeOnlyHeaders", "小王 10:01\n退款\n最晚 18:00\n客服 10:02\n好的\n", "最晚 18:00", "小王"},
		{"TomorrowBefore", "小王 10:01\n明天 10:00 前发货\n客服 10:02\n好的\n", "明天 10:00 前发货", "小王"},
		{"HomeAt", "Jane Doe 2:01 PM\nI'll be home at 2:03 PM\nAcme Store 2:05 PM\nok\n", "I'll be home at 2:03 PM", "Jane Doe"},
		{"NameAndTimeBetween", "小王 10:01\n我妹妹\n阿美 18:00\n来取\n客服 10:02\n好的\n", "阿美 18:00", "小王"},
		{"ByFriday", "tb_a 2026-11-20 10:01:02\nneed it by Friday 5:00 PM\n店:小美 2026-11-20 10:01:30\nok\n", "Friday 5:00 PM", "tb_a"},
		{"TimeFirstMessage", "2026-11-20 10:01:02 tb_a\n18:00 前一定要到\n2026-11-20 10:01:30 店:小美\n好的\n", "18:00 前一定要到", "tb_a"},
		{"BareTimeInStacked", "抖音用户1\n10:01:02\n能今天发吗\n18:00\n小美\n10:02:00\n尽量\n", "18:00", "抖音用户1"},
		{"FieldLabelInNameColon", "Customer: my order\nOrder: 1234\nYou: checking\n", "Order: 1234", "Customer"},
		{"FieldInBracket", "[10:01] 小王: 订单号:123456\n[10:02] 客服: 好的\n", "订单号:123456", "小王"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := Parse(tc.text, shanghai)
			if !tr.Parsed {
				t.Fatalf("not parsed: %q", tc.text)
			}
			if got := speakerOf(t, tr, tc.line); got != tc.speaker {
				t.Fatalf("%q is under %q, want %q\n%+v", tc.line, got, tc.speaker, tr.Lines)
			}
			for _, s := range Speakers(tr) {
				if strings.Contains(tc.line, s) && s != tc.speaker {
					t.Fatalf("invented speaker %q from %q", s, tc.line)
				}
			}
		})
	}
}

// TestDoubtIsNotParsed: a line that may or may not be a header, where
// either reading would put someone's words under another speaker, leaves
// the paste unparsed.
func TestDoubtIsNotParsed(t *testing.T) {
	for _, text := range []string{
		"小王 10:01\n你好\n客服 10:02\n好的\n小王 10:03\n我妹妹\n阿美 18:00\n来取\n",
		"Customer: hi\nYou: hello\nCustomer: the cup\nJane Doe: is broken\nYou: sorry\n",
		// times below the messages they belong to
		"Jane Doe\nHi, is it in stock?\n2:03 PM\nYou\nYes!\n2:05 PM\nJane Doe\nGreat\n2:06 PM\n",
		// the buyer quotes an older message of the shop's
		"tb_a 2026-11-20 10:01:02\n你们客服说\n旗舰店:小美 2026-11-19 09:00:00\n今天发货\n结果没发\n旗舰店:小美 2026-11-20 10:02:00\n抱歉",
	} {
		if tr := Parse(text, shanghai); tr.Parsed {
			t.Errorf("parsed %q as %+v", text, tr.Lines)
		}
	}
}

// TestOneOffSpeakers: a speaker heard once is believed where the paste
// shows it is a header.
func TestOneOffSpeakers(t *testing.T) {
	tests := []struct{ name, text, line, speaker string }{
		{"LastAgentWithSeconds", "小王 10:01:02\n你好\n客服 10:02:00\n好的\n小王 10:03:00\n人呢\n阿强 10:04:10\n您好，我是阿强\n", "您好，我是阿强", "阿强"},
		{"LastAgentStacked", "抖音用户1\n10:01\n在吗\n小美\n10:02\n在的\n抖音用户1\n10:03\n转人工\n阿七\n10:04\n您好\n", "您好", "阿七"},
		{"OtherPartyInNameColon", "客服：您好，请问有什么可以帮您\n小王：杯子碎了\n客服：非常抱歉\n", "杯子碎了", "小王"},
		{"ShopShapedThirdParty", "小王\n在吗\n阿美\n在的\n小王\n人呢\n售后小李\n您好\n", "您好", "售后小李"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := Parse(tc.text, shanghai)
			if !tr.Parsed {
				t.Fatalf("not parsed: %q", tc.text)
			}
			if got := speakerOf(t, tr, tc.line); got != tc.speaker {
				t.Fatalf("%q is under %q, want %q\n%+v", tc.line, got, tc.speaker, tr.Lines)
			}
		})
	}
}

// TestQianniuSubAccountColon: the colon inside "店铺名:客服名" is part of
// the speaker; the seller's words never join the buyer's message.
func TestQianniuSubAccountColon(t *testing.T) {
	text := "tb_buyer 2026-11-20 10:01:02\n杯子碎了\n旗舰店:小美 2026-11-20 10:01:30\n亲，抱歉\n"
	tr := Parse(text, shanghai)
	want := []string{"tb_buyer", "旗舰店:小美"}
	if got := Speakers(tr); !reflect.DeepEqual(got, want) {
		t.Fatalf("speakers %q, want %q", got, want)
	}
	if tr.Lines[0].Message != "杯子碎了" || tr.Lines[1].Message != "亲，抱歉" {
		t.Fatalf("messages %+v", tr.Lines)
	}
	if tr.Lines[0].Role != RoleBuyer || tr.Lines[1].Role != RoleShop {
		t.Fatalf("roles %q %q", tr.Lines[0].Role, tr.Lines[1].Role)
	}
}

// TestHeadingIsKeptAsPreamble: text before the first message does not stop
// the parse; it is kept verbatim.
func TestHeadingIsKeptAsPreamble(t *testing.T) {
	tr := Parse("以下是聊天记录\n小王 10:01:02\n杯子碎了\n客服 10:01:10\n抱歉", shanghai)
	if !tr.Parsed || tr.Preamble != "以下是聊天记录" || len(tr.Lines) != 2 {
		t.Fatalf("got %+v", tr)
	}
}

// TestUnparsed: text that is not a chat stays unparsed, with an empty (non
// nil) line list, so the caller keeps the raw text.
func TestUnparsed(t *testing.T) {
	for _, text := range []string{
		"", "\n \n\t\n", "买家说杯子碎了，要求退款。\n我们已经核实。",
		"we will deliver the replacement tomorrow morning at about 10:00",
		"10:00\n10:30\n11:00", "好的\n谢谢\n好的\n谢谢",
		"Note: call back\nReminder: refund\nNote: done",
	} {
		tr := Parse(text, shanghai)
		if tr.Parsed || tr.Lines == nil || len(tr.Lines) != 0 || tr.Layout != "" {
			t.Errorf("Parse(%q) = %+v, want unparsed", text, tr)
		}
	}
}

// TestOldParserCases keeps the layouts the previous parser understood.
func TestOldParserCases(t *testing.T) {
	type line struct{ at, speaker, message string }
	tests := []struct {
		name, text string
		want       []line
	}{
		{"HeaderQianniuExport", "小王 2026-11-20 10:01:02\n杯子碎了\n客服-阿美 2026-11-20 10:01:30\n亲，非常抱歉，麻烦拍张照片\n",
			[]line{{"2026-11-20 10:01:02", "小王", "杯子碎了"}, {"2026-11-20 10:01:30", "客服-阿美", "亲，非常抱歉，麻烦拍张照片"}}},
		{"HeaderTimeOnly", "小王 10:01:02\n杯子碎了\n客服-阿美 10:01:30\n抱歉",
			[]line{{"10:01:02", "小王", "杯子碎了"}, {"10:01:30", "客服-阿美", "抱歉"}}},
		{"MultiLineWithBlankLines", "buyer_wang 2026/11/20 10:01\nthe cup arrived broken\n\nI want a full refund\n\nshop_amy 2026/11/20 10:02\nsorry to hear that\n",
			[]line{{"2026/11/20 10:01", "buyer_wang", "the cup arrived broken\n\nI want a full refund"}, {"2026/11/20 10:02", "shop_amy", "sorry to hear that"}}},
		{"ParenthesesColonCRLF", "小王 (2026-11-20 10:01:02):\r\n不退款就差评\r\n",
			[]line{{"2026-11-20 10:01:02", "小王", "不退款就差评"}}},
		{"EnglishNameWithSpace", "Amy Chen 10:01\nHello, how can I help?",
			[]line{{"10:01", "Amy Chen", "Hello, how can I help?"}}},
		{"BracketEnglish", "[2026-11-20 10:01] buyer_wang: the cup arrived broken\n[2026-11-20 10:02] shop_amy: sorry to hear that: can you send a photo?",
			[]line{{"2026-11-20 10:01", "buyer_wang", "the cup arrived broken"}, {"2026-11-20 10:02", "shop_amy", "sorry to hear that: can you send a photo?"}}},
		{"BracketFullWidthColon", "[10:01:02] 小王：杯子碎了\n[10:01:30] 客服-阿美：亲，抱歉",
			[]line{{"10:01:02", "小王", "杯子碎了"}, {"10:01:30", "客服-阿美", "亲，抱歉"}}},
		{"BracketFullWidthBrackets", "【2026年11月20日 10:01】小王：给我全额退款\n【2026年11月20日 10:02】客服：我们核实一下",
			[]line{{"2026年11月20日 10:01", "小王", "给我全额退款"}, {"2026年11月20日 10:02", "客服", "我们核实一下"}}},
		{"BracketMultiLine", "\n[10:01] 小王: 第一行\n第二行\n[10:02] 客服: 好的\n",
			[]line{{"10:01", "小王", "第一行\n第二行"}, {"10:02", "客服", "好的"}}},
		{"BracketTimeInside", "[10:01] buyer: deliver at 10:00 tomorrow",
			[]line{{"10:01", "buyer", "deliver at 10:00 tomorrow"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := Parse(tc.text, shanghai)
			var got []line
			for _, l := range tr.Lines {
				got = append(got, line{l.At, l.Speaker, l.Message})
			}
			if !tr.Parsed || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v (%+v)\nwant %+v", got, tr, tc.want)
			}
		})
	}
}

// TestHeaderWithoutMessage: an image that did not copy leaves a header
// with no message; it is still a line, and the placeholder of another is a
// system line of its speaker.
func TestHeaderWithoutMessage(t *testing.T) {
	tr := Parse("小王 10:01:02\n[图片]\n客服 10:02:00\n", shanghai)
	if !tr.Parsed || len(tr.Lines) != 2 {
		t.Fatalf("got %+v", tr)
	}
	if l := tr.Lines[0]; l.Speaker != "小王" || !l.System || l.Message != "[图片]" {
		t.Errorf("image line %+v", l)
	}
	if l := tr.Lines[1]; l.Speaker != "客服" || l.Message != "" || l.System {
		t.Errorf("empty line %+v", l)
	}
}

func TestSpeakersAndWithRoles(t *testing.T) {
	tr := Parse("小王 11-20 14:03\n杯子碎了\n阿美 11-20 14:05\n抱歉\n小王 11-20 14:06\n好\n", shanghai)
	if got := Speakers(tr); !reflect.DeepEqual(got, []string{"小王", "阿美"}) {
		t.Fatalf("speakers %q", got)
	}
	for _, l := range tr.Lines {
		if l.Role != RoleUnknown {
			t.Fatalf("guessed %q for %q with nothing to go on", l.Role, l.Speaker)
		}
	}
	confirmed := tr.WithRoles(map[string]Role{"小王": RoleBuyer, "阿美": RoleShop, "nobody": RoleShop})
	for _, l := range confirmed.Lines {
		want := map[string]Role{"小王": RoleBuyer, "阿美": RoleShop}[l.Speaker]
		if l.Role != want {
			t.Errorf("%s: role %q, want %q", l.Speaker, l.Role, want)
		}
	}
	if tr.Lines[0].Role != RoleUnknown {
		t.Error("WithRoles changed the original transcript")
	}
	if got := tr.WithRoles(map[string]Role{"小王": "boss"}).Lines[0].Role; got != RoleUnknown {
		t.Errorf("invalid role applied: %q", got)
	}
}

func TestGuessRoles(t *testing.T) {
	tests := []struct {
		speakers []string
		want     []Role
	}{
		{[]string{"tb_buyer88", "旗舰店:小美"}, []Role{RoleBuyer, RoleShop}},
		{[]string{"小王", "旗舰店:小美", "旗舰店"}, []Role{RoleBuyer, RoleShop, RoleShop}},
		{[]string{"Amazon Customer", "Sunrise Kitchen"}, []Role{RoleBuyer, RoleShop}},
		{[]string{"Emily", "Acme Home Store"}, []Role{RoleBuyer, RoleShop}},
		{[]string{"Customer", "You"}, []Role{RoleBuyer, RoleShop}},
		{[]string{"消费者", "商家客服", "机器人"}, []Role{RoleBuyer, RoleShop, RoleShop}},
		{[]string{"小王", "阿美"}, []Role{RoleUnknown, RoleUnknown}},
		{[]string{"小王", "阿美", "客服小李"}, []Role{RoleUnknown, RoleUnknown, RoleShop}},
	}
	for _, tc := range tests {
		var lines []Line
		for _, s := range tc.speakers {
			lines = append(lines, Line{Speaker: s})
		}
		guessRoles(lines)
		for i, l := range lines {
			if l.Role != tc.want[i] {
				t.Errorf("%q: %q is %q, want %q", tc.speakers, l.Speaker, l.Role, tc.want[i])
			}
		}
	}
}

// TestCoverageCheckCatchesLoss: the invariant check itself fails when text
// is dropped or reordered.
func TestCoverageCheckCatchesLoss(t *testing.T) {
	text := "小王 10:01\n杯子碎了\n客服 10:02\n抱歉"
	tr := Parse(text, shanghai)
	if err := checkCoverage(text, tr); err != nil {
		t.Fatal(err)
	}
	dropped := tr.WithRoles(nil)
	dropped.Lines[1].Message = ""
	if checkCoverage(text, dropped) == nil {
		t.Error("a dropped message passed the check")
	}
	swapped := tr.WithRoles(nil)
	swapped.Lines[0], swapped.Lines[1] = swapped.Lines[1], swapped.Lines[0]
	if checkCoverage(text, swapped) == nil {
		t.Error("reordered lines passed the check")
	}
}

func TestStamps(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		in   string
		want string // RFC 3339, "" for no instant, "-" for not a stamp
	}{
		{"2026-11-20 10:01:02", "2026-11-20T10:01:02-05:00"},
		{"2026/11/20 9:05", "2026-11-20T09:05:00-05:00"},
		{"2026年11月20日 下午2:03", "2026-11-20T14:03:00-05:00"},
		{"2026年11月20日 晚上12:30", "2026-11-20T00:30:00-05:00"},
		{"Nov 20, 2026, 2:03 PM", "2026-11-20T14:03:00-05:00"},
		{"Nov 20, 2026 at 2:03 PM", "2026-11-20T14:03:00-05:00"},
		{"November 20 2026 12:15 AM", "2026-11-20T00:15:00-05:00"},
		{"Thursday, November 20, 2026 2:03 PM", "2026-11-20T14:03:00-05:00"},
		{"20 Nov 2026 14:03", "2026-11-20T14:03:00-05:00"},
		{"11/20/2026 2:03 PM", "2026-11-20T14:03:00-05:00"},
		{"11/20/26, 2:03:15 PM", "2026-11-20T14:03:15-05:00"},
		{"20/11/2026 14:03", "2026-11-20T14:03:00-05:00"},
		{"05/06/2026 14:03", ""}, // day or month first: cannot tell
		{"2026-11-20T10:01:02+08:00", "2026-11-20T10:01:02+08:00"},
		{"2026-11-20T02:01:02Z", "2026-11-20T02:01:02Z"},
		{"Nov 20, 2026 2:03 PM PST", ""}, // PST is ambiguous to us: no instant
		{"Nov 20, 2026 2:03 PM UTC", "2026-11-20T14:03:00Z"},
		{"11-20 14:03", ""},
		{"昨天 下午2:03", ""},
		{"下午2:03", ""},
		{"14:03", ""},
		{"星期三 14:03", ""},
		{"2026-02-30 10:00", "-"},
		{"25:00", "-"},
		{"13:00 PM", "-"},
		{"10:61", "-"},
	}
	for _, tc := range tests {
		s := foldString(tc.in)
		st, ok := parseStamp(s, 0, len(s))
		if !ok || st.b != len(s) || !st.hasTime {
			if tc.want != "-" {
				t.Errorf("%q: not a stamp (ok %v, end %d)", tc.in, ok, st.b)
			}
			continue
		}
		if tc.want == "-" {
			t.Errorf("%q: read as a stamp", tc.in)
			continue
		}
		got := ""
		if at := st.instant(nil, dayFirst([]*stamp{&st}), ny); at != nil {
			got = at.Format(time.RFC3339)
		}
		if got != tc.want {
			t.Errorf("%q: instant %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNilLocationIsUTC(t *testing.T) {
	tr := Parse("小王 2026-11-20 10:01:02\n你好\n客服 2026-11-20 10:02:00\n好", nil)
	if tr.Lines[0].AtTime == nil || tr.Lines[0].AtTime.Format(time.RFC3339) != "2026-11-20T10:01:02Z" {
		t.Fatalf("got %+v", tr.Lines[0])
	}
}

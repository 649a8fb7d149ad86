package cases_test

import (
	"reflect"
	"testing"

	"redress/cases"
)

func TestParseChat(t *testing.T) {
	type line = cases.ChatLine
	tests := []struct {
		name string
		text string
		want []line // nil: not parsed
	}{
		{"HeaderLayoutQianniuExport",
			"小王 2026-11-20 10:01:02\n杯子碎了\n客服-阿美 2026-11-20 10:01:30\n亲，非常抱歉，麻烦拍张照片\n",
			[]line{{"2026-11-20 10:01:02", "小王", "杯子碎了"}, {"2026-11-20 10:01:30", "客服-阿美", "亲，非常抱歉，麻烦拍张照片"}}},
		{"HeaderLayoutTimeOnly",
			"小王 10:01:02\n杯子碎了\n客服-阿美 10:01:30\n抱歉",
			[]line{{"10:01:02", "小王", "杯子碎了"}, {"10:01:30", "客服-阿美", "抱歉"}}},
		{"HeaderLayoutMultiLineMessageWithBlankLines",
			"buyer_wang 2026/11/20 10:01\nthe cup arrived broken\n\nI want a full refund\n\nshop_amy 2026/11/20 10:02\nsorry to hear that\n",
			[]line{{"2026/11/20 10:01", "buyer_wang", "the cup arrived broken\n\nI want a full refund"}, {"2026/11/20 10:02", "shop_amy", "sorry to hear that"}}},
		{"HeaderLayoutParenthesesAndColonCRLF",
			"小王 (2026-11-20 10:01:02):\r\n不退款就差评\r\n",
			[]line{{"2026-11-20 10:01:02", "小王", "不退款就差评"}}},
		{"HeaderLayoutEnglishNameWithSpace",
			"Amy Chen 10:01\nHello, how can I help?",
			[]line{{"10:01", "Amy Chen", "Hello, how can I help?"}}},
		{"HeaderWithoutMessage",
			"小王 10:01:02\n[图片]\n客服 10:02:00\n",
			[]line{{"10:01:02", "小王", "[图片]"}, {"10:02:00", "客服", ""}}},
		{"BracketLayoutEnglish",
			"[2026-11-20 10:01] buyer_wang: the cup arrived broken\n[2026-11-20 10:02] shop_amy: sorry to hear that: can you send a photo?",
			[]line{{"2026-11-20 10:01", "buyer_wang", "the cup arrived broken"}, {"2026-11-20 10:02", "shop_amy", "sorry to hear that: can you send a photo?"}}},
		{"BracketLayoutFullWidthColon",
			"[10:01:02] 小王：杯子碎了\n[10:01:30] 客服-阿美：亲，抱歉",
			[]line{{"10:01:02", "小王", "杯子碎了"}, {"10:01:30", "客服-阿美", "亲，抱歉"}}},
		{"BracketLayoutFullWidthBrackets",
			"【2026年11月20日 10:01】小王：给我全额退款\n【2026年11月20日 10:02】客服：我们核实一下",
			[]line{{"2026年11月20日 10:01", "小王", "给我全额退款"}, {"2026年11月20日 10:02", "客服", "我们核实一下"}}},
		{"BracketLayoutMultiLine",
			"\n[10:01] 小王: 第一行\n第二行\n[10:02] 客服: 好的\n",
			[]line{{"10:01", "小王", "第一行\n第二行"}, {"10:02", "客服", "好的"}}},
		{"BracketLayoutMessageWithTimeInside",
			"[10:01] buyer: deliver at 10:00 tomorrow",
			[]line{{"10:01", "buyer", "deliver at 10:00 tomorrow"}}},
		{"PlainProseIsNotParsed", "买家说杯子碎了，要求退款。\n我们已经核实。", nil},
		{"TextBeforeFirstMessageIsNotParsed", "以下是聊天记录\n小王 10:01:02\n杯子碎了", nil},
		{"LongSentenceEndingWithTimeIsNotAHeader", "we will deliver the replacement tomorrow morning at about 10:00", nil},
		{"Empty", "", nil},
		{"OnlyBlankLines", "\n \n\t\n", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := cases.ParseChat(tc.text)
			if tc.want == nil {
				if got.Parsed || len(got.Lines) != 0 || got.Lines == nil {
					t.Fatalf("ParseChat(%q) = %+v, want unparsed with an empty (non-nil) line list", tc.text, got)
				}
				return
			}
			if !got.Parsed || !reflect.DeepEqual(got.Lines, tc.want) {
				t.Fatalf("ParseChat(%q)\n got %+v\nwant %+v", tc.text, got, tc.want)
			}
		})
	}
}

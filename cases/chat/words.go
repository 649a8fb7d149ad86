package chat

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The notices chat tools print between messages. They belong to no
// speaker; text after one, until the next header, is not attributed.
var noticeLine = regexp.MustCompile(`(?i)^(?:` + strings.Join([]string{
	`以[上下](?:是|为)?(?:历史|新)(?:消息|聊天记录|记录)`,
	`(?:查看)?更多(?:历史)?消息`,
	`\[?(?:系统提示|系统消息|系统通知|平台提示|官方提示|温馨提示)\]?(?:\s*[:]\s*.*|\s+.*)?`,
	`.{0,24}撤回了一条消息`,
	`(?:该)?消息已撤回`,
	`(?:对方|买家|用户|消费者|顾客)?(?:已读|未读)`,
	`会话已?(?:结束|关闭|转接|超时|开始).*`,
	`.{0,30}(?:已?接入(?:了)?(?:会话|咨询)?|将会话转(?:交|接)给.{0,30}|已将会话转接.{0,30}|转接给.{0,30}|结束了会话|关闭了会话)`,
	`(?:买家|用户|消费者|顾客|客户)(?:正在浏览|正在查看|从.{0,40}进入.*|通过.{0,40}进入.*|进入了?(?:店铺|会话).*|已确认收货|已付款|已下单|已申请.*|申请了.*|发起了.*|已评价.*|已签收.*|已拍下.*)`,
	`当前(?:用户|会话|客户)来自.*`,
	`this message was sent by .*`,
	`(?:the )?(?:buyer|customer) (?:has )?(?:viewed|read|seen|opted out).*`,
	`(?:message )?(?:seen|read|delivered)(?: by .*| at .*)?`,
	`(?:conversation|chat) (?:started|ended|closed|assigned|transferred|reopened|resolved).*`,
	`.{1,40} (?:joined|left) the (?:chat|conversation)\.?`,
	`-+ ?(?:message|end message|original message):? ?-+`,
}, "|") + `)$`)

// placeholderLine is an image, sticker, card or link that a speaker sent,
// as chat tools render it in copied text.
var placeholderLine = regexp.MustCompile(`(?i)^(?:\[(?:图片|照片|表情|动画表情|自定义表情|语音|视频|文件|商品|商品卡片|商品链接|宝贝|宝贝链接|宝贝卡片|订单|订单卡片|订单消息|订单信息|链接|卡片|位置|红包|转账|小程序|名片|优惠券|售后卡片|退款卡片|物流卡片|image|photo|picture|sticker|gif|emoji|attachment|file|video|voice|audio|link|product|order|card)\].*|订单消息|(?:https?://|www\.)\S+)$`)

// undecorate strips decoration (rules of dashes, bullets) from both ends.
func undecorate(s []rune) string {
	a, b := 0, len(s)
	for a < b && isDecor(s[a]) {
		a++
	}
	for b > a && isDecor(s[b-1]) {
		b--
	}
	return string(s[a:b])
}

func isDecor(r rune) bool {
	return r == ' ' || strings.ContainsRune("-—–=~*·•_", r)
}

// isNotice reports whether the folded, trimmed text s is a platform
// notice.
func isNotice(s []rune) bool {
	if len(s) == 0 || len(s) > 80 {
		return false
	}
	t := undecorate(s)
	return t != "" && noticeLine.MatchString(t)
}

// isPlaceholder reports whether the folded, trimmed text s is a
// placeholder for something a speaker sent that is not text.
func isPlaceholder(s []rune) bool {
	return len(s) > 0 && placeholderLine.MatchString(string(s))
}

// Speaker names that are the platform itself.
var systemNames = map[string]bool{
	"系统": true, "系统提示": true, "系统消息": true, "系统通知": true, "订单消息": true,
	"平台消息": true, "平台提示": true, "官方提示": true, "温馨提示": true, "交易消息": true,
	"system": true, "amazon": true, "notification": true, "notice": true,
}

// Names that say the speaker's role by themselves.
var shopWords = map[string]bool{
	"客服": true, "商家": true, "商家客服": true, "卖家": true, "店家": true, "掌柜": true,
	"店主": true, "售后": true, "售后客服": true, "官方客服": true, "人工客服": true,
	"智能客服": true, "机器人": true, "客服机器人": true, "店小二": true, "我": true,
	"seller": true, "store": true, "shop": true, "support": true, "agent": true,
	"staff": true, "you": true, "me": true, "merchant": true,
}

var buyerWords = map[string]bool{
	"买家": true, "消费者": true, "顾客": true, "用户": true, "客户": true,
	"customer": true, "buyer": true, "client": true, "amazon customer": true,
	"guest": true, "visitor": true, "shopper": true,
}

// Parts of names that mark a shop's account.
var shopMarks = []string{"旗舰店", "专卖店", "专营店", "官方店", "自营", "店铺", "客服", "售后",
	"商家", "卖家", "掌柜", "小店", "商城"}

var shopMarksLatin = []string{"store", "shop", "official", "support", "customer service",
	"customer care", "seller", "team", "outlet", "boutique", "co.", "ltd", "inc", "llc", "gmbh"}

// Parts of names that mark a buyer's account.
var buyerPrefixes = []string{"tb_", "tb", "jd_", "pdd", "抖音用户", "用户", "买家", "消费者", "顾客", "amazon customer"}

// Words that end (or are) a phrase before a time, never a name: a line
// "最晚 18:00" or "I'll be home at 2:03 PM" is a message, not a header.
var timeWordsCJK = []string{"最晚", "最迟", "最早", "大概", "大约", "约", "预计", "明天", "今天",
	"后天", "昨天", "今晚", "明早", "明晚", "下午", "上午", "晚上", "早上", "中午", "凌晨", "傍晚",
	"时间", "前", "之前", "以前", "后", "之后", "以后", "到", "在", "于", "是", "等", "截止", "截至",
	"直到", "从", "下单", "发货", "签收", "送达", "到货", "几点", "点", "大约在", "营业", "上班", "下班"}

var timeWordsLatin = map[string]bool{
	"at": true, "by": true, "before": true, "after": true, "until": true, "till": true,
	"around": true, "about": true, "from": true, "to": true, "on": true, "is": true,
	"was": true, "be": true, "the": true, "since": true, "approx": true, "approximately": true,
	"tomorrow": true, "today": true, "tonight": true, "morning": true, "evening": true,
	"afternoon": true, "noon": true, "latest": true, "earliest": true, "between": true,
	"and": true, "or": true, "of": true, "for": true, "in": true, "it's": true, "its": true,
	"time": true, "deadline": true, "due": true, "open": true, "opens": true, "close": true,
	"closes": true, "meeting": true, "call": true,
}

// Field labels: "订单号：123" and "Note: …" are not speakers.
var labelWords = map[string]bool{
	"订单号": true, "订单编号": true, "订单": true, "单号": true, "快递单号": true, "运单号": true,
	"物流单号": true, "快递": true, "物流": true, "地址": true, "收货地址": true, "收货人": true,
	"电话": true, "手机": true, "手机号": true, "联系电话": true, "联系方式": true, "姓名": true,
	"备注": true, "原因": true, "退款原因": true, "金额": true, "退款金额": true, "价格": true,
	"时间": true, "日期": true, "商品": true, "商品名称": true, "规格": true, "数量": true,
	"颜色": true, "尺码": true, "型号": true, "注意": true, "提示": true, "说明": true,
	"问题": true, "回复": true, "答": true, "问": true, "链接": true, "网址": true, "邮箱": true,
	"账号": true, "微信": true, "qq": true, "淘宝": true, "结论": true, "总结": true, "处理": true,
	"处理结果": true, "结果": true, "方案": true, "要求": true, "诉求": true, "补充": true,
	"例如": true, "比如": true, "如下": true, "以下": true, "聊天记录": true, "内容": true,
	"note": true, "notes": true, "ps": true, "p.s": true, "p.s.": true, "re": true, "fwd": true,
	"fw": true, "subject": true, "from": true, "to": true, "cc": true, "bcc": true, "date": true,
	"sent": true, "order": true, "order id": true, "order number": true, "order #": true,
	"tracking": true, "tracking number": true, "asin": true, "sku": true, "item": true,
	"address": true, "phone": true, "email": true, "reason": true, "price": true,
	"total": true, "qty": true, "quantity": true, "size": true, "color": true, "todo": true,
	"update": true, "edit": true, "summary": true, "result": true, "example": true, "e.g": true,
	"http": true, "https": true, "www": true, "warning": true, "important": true, "tip": true,
	"step": true, "status": true, "ref": true, "reference": true, "attachment": true,
	"attachments": true, "question": true, "answer": true, "q": true, "a": true,
}

// Words that make a whole message but never a name.
var chatWords = map[string]bool{
	"好的": true, "好": true, "好吧": true, "谢谢": true, "在吗": true, "在的": true, "在": true,
	"嗯": true, "嗯嗯": true, "哦": true, "哦哦": true, "行": true, "可以": true, "不行": true,
	"收到": true, "是的": true, "对": true, "没有": true, "你好": true, "您好": true, "亲": true,
	"亲亲": true, "喂": true, "哈哈": true, "人工": true, "转人工": true, "谢谢亲": true,
	"ok": true, "okay": true, "thanks": true, "thank you": true, "yes": true, "no": true,
	"hi": true, "hello": true, "sure": true, "great": true, "bye": true, "thx": true,
}

// nameInfo says how a name may be used.
type nameInfo struct {
	ok     bool // can be a speaker at all
	strict bool // is shaped like a name even when seen once
}

// judgeName decides whether the runes s (folded, trimmed) can be a
// speaker's name.
func judgeName(s []rune) nameInfo {
	n := len(s)
	if n == 0 || n > 32 {
		return nameInfo{}
	}
	letter := false
	for i, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case strings.ContainsRune("。！？!?；;，,\"“”‘’《》<>{}=+*/\\|", r):
			return nameInfo{}
		case r == ':' && (i == 0 || i == n-1 || s[i-1] == ' ' || s[i+1] == ' '):
			return nameInfo{}
		}
	}
	for i := 1; i+1 < n; i++ {
		if s[i] == ':' && isDigit(s[i-1]) && isDigit(s[i+1]) {
			return nameInfo{} // a time of day is not part of a name
		}
	}
	if !letter || s[0] == '[' || s[0] == '(' || s[0] == '#' || s[0] == '@' && n == 1 {
		return nameInfo{}
	}
	words := strings.Fields(string(s))
	if len(words) > 5 {
		return nameInfo{}
	}
	k := key(s)
	if labelWords[k] || chatWords[k] {
		return nameInfo{}
	}
	last := strings.ToLower(words[len(words)-1])
	first := strings.ToLower(words[0])
	if timeWordsLatin[last] || timeWordsLatin[first] && len(words) > 1 {
		return nameInfo{}
	}
	info := nameInfo{ok: true, strict: n <= 20 && len(words) <= 3}
	for _, w := range timeWordsCJK {
		switch {
		case k == w:
			return nameInfo{}
		case strings.HasSuffix(k, w) && utf8.RuneCountInString(w) > 1:
			return nameInfo{}
		case strings.HasSuffix(k, w):
			info.strict = false
		}
	}
	if len(words) > 1 {
		// Several Latin words: a name is capitalised ("Amazon Customer",
		// "Jane Doe"), a phrase is not ("be home at").
		for _, w := range words {
			r, _ := utf8.DecodeRuneInString(w)
			if unicode.IsLower(r) {
				info.strict = false
			}
		}
	}
	return info
}

// containsWord reports whether w occurs in k as whole words.
func containsWord(k, w string) bool {
	for i := 0; ; {
		j := strings.Index(k[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isASCIILetter(rune(k[j-1]))
		e := j + len(w)
		after := e == len(k) || !isASCIILetter(rune(k[e]))
		if before && after {
			return true
		}
		i = j + 1
	}
}

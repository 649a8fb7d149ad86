package intake

import (
	"fmt"
	"strings"

	"redress/cases"
)

// prefer returns the first kind Redress knows; kinds added later (refund_only,
// return_refund, platform_intervention) are used as soon as cases.Kinds
// has them, their older neighbour until then.
func prefer(ks ...cases.Kind) cases.Kind {
	for _, k := range ks {
		if k.Valid() {
			return k
		}
	}
	return ""
}

// problemWords maps words of a problem (a reason, a complaint type) to kinds,
// most specific first. An entry without kinds names a reason that is no
// problem of the shop's (the buyer changed their mind): it stops the search
// so that "ordered wrong item" does not read as a wrong item sent.
var problemWords = []struct {
	words []string
	kinds []cases.Kind
}{
	{[]string{"差评", "bad review", "negative review"}, []cases.Kind{"bad_review"}},
	{[]string{"中评", "medium review", "neutral review"}, []cases.Kind{"medium_review"}},
	{[]string{"拍错", "多拍", "不想要", "不喜欢", "七天无理由", "7天无理由", "无理由", "尺码不合适", "改变主意",
		"ordered wrong", "bought by mistake", "no longer needed", "unwanted", "better price", "changed mind",
		"did not like", "didn't like", "too small", "too large", "no reason"}, nil},
	{[]string{"破损", "损坏", "压坏", "摔坏", "碎了", "破了", "变形", "漏液", "damaged", "broken", "cracked"}, []cases.Kind{"damaged"}},
	{[]string{"少件", "漏发", "缺件", "少发", "缺少", "少了", "missing", "incomplete"}, []cases.Kind{"missing_item"}},
	{[]string{"发错", "错发", "货不对板", "不是我买的", "wrong item", "incorrect item", "wrong size sent", "wrong colour sent", "wrong color sent"}, []cases.Kind{"wrong_item"}},
	{[]string{"未收到", "没收到", "没有收到", "丢件", "丢失", "丢了", "never arrived", "never received", "not received",
		"didn't receive", "did not receive", "not delivered", "lost"}, []cases.Kind{"lost_parcel"}},
	{[]string{"物流", "快递", "配送", "发货慢", "未发货", "不发货", "延迟发货", "迟迟", "too late", "late delivery", "missed estimated delivery", "undeliverable", "tracking", "shipping"}, []cases.Kind{"logistics_query"}},
	{[]string{"质量", "瑕疵", "做工", "坏了", "不工作", "不能用", "无法使用", "故障", "异味", "起球", "掉色", "开线", "描述不符", "假货", "正品",
		"defective", "doesn't work", "does not work", "not working", "quality", "not as described", "inaccurate", "faulty"}, []cases.Kind{"quality"}},
	{[]string{"平台介入", "小二介入", "客服介入", "仲裁", "a to z", "atoz", "chargeback"}, []cases.Kind{"platform_intervention", "refund_dispute"}},
	{[]string{"退款纠纷", "refund dispute"}, []cases.Kind{"refund_dispute"}},
	{[]string{"投诉", "纠纷", "态度", "complaint", "rude"}, []cases.Kind{"complaint"}},
}

// requestWords maps the after-sales type a platform records (售后类型) to
// kinds, longest phrases first.
var requestWords = []struct {
	words []string
	kinds []cases.Kind
}{
	{[]string{"仅退款", "refund only", "refund without return"}, []cases.Kind{"refund_only", "refund_dispute"}},
	{[]string{"退货退款", "退款退货", "退货", "return and refund", "return & refund", "return"}, []cases.Kind{"return_refund", "refund_dispute"}},
	{[]string{"补寄", "补发", "reship", "resend"}, []cases.Kind{"missing_item"}},
	{[]string{"维修", "返修", "repair"}, []cases.Kind{"quality"}},
	{[]string{"换货", "exchange", "replacement"}, []cases.Kind{"complaint"}},
	{[]string{"退款", "refund"}, []cases.Kind{"refund_dispute"}},
}

func matchWords(s string, table []struct {
	words []string
	kinds []cases.Kind
}) (cases.Kind, bool) {
	key := wordKey(s)
	if key == "" {
		return "", false
	}
	for _, e := range table {
		for _, w := range e.words {
			if strings.Contains(key, w) {
				return prefer(e.kinds...), true
			}
		}
	}
	return "", false
}

// KindFromReason reads the kind a reason or complaint text names
// (破损 → damaged, 少件 → missing_item, "Item arrived damaged" → damaged).
// It returns "" for reasons that are no fault of the shop's (拍错, 不想要,
// "no longer needed") and for texts it cannot place.
func KindFromReason(s string) cases.Kind {
	k, _ := matchWords(s, problemWords)
	return k
}

// KindFromRequest reads the kind an after-sales type names (仅退款 →
// refund_only where Redress has it, else refund_dispute; 退货退款 →
// return_refund or refund_dispute; 补寄 → missing_item …); "" when none.
func KindFromRequest(s string) cases.Kind {
	k, _ := matchWords(s, requestWords)
	return k
}

// ParseKind reads a kind column: a Redress kind code (bad_review), or the
// words platforms and people use for one (差评, 破损, 仅退款, complaint).
func ParseKind(s string) (cases.Kind, error) {
	code := cases.Kind(strings.ReplaceAll(wordKey(s), " ", "_"))
	if code.Valid() {
		return code, nil
	}
	if k := KindFromReason(s); k != "" {
		return k, nil
	}
	if k := KindFromRequest(s); k != "" {
		return k, nil
	}
	return "", fmt.Errorf("kind %q is not one of %s, nor a word such as 差评, 破损 or 仅退款", s, join(cases.Kinds()))
}

var platformWords = map[string]cases.Platform{
	"淘宝": "taobao", "淘宝网": "taobao", "tb": "taobao", "千牛": "taobao",
	"天猫": "tmall", "天猫商城": "tmall", "tm": "tmall",
	"京东": "jd", "京东商城": "jd", "jingdong": "jd", "jd.com": "jd", "京麦": "jd",
	"拼多多": "pinduoduo", "pdd": "pinduoduo",
	"抖音": "douyin", "抖店": "douyin", "抖音小店": "douyin", "抖音电商": "douyin",
	"亚马逊": "amazon", "其他": "other", "其它": "other",
}

// ParsePlatform reads a platform: a Redress code (taobao) or the name a
// Chinese or English export uses (天猫, 京东, 拼多多, PDD, 抖店, Amazon.de).
func ParsePlatform(s string) (cases.Platform, error) {
	v := strings.ToLower(compact(s))
	if p := cases.Platform(v); p.Valid() {
		return p, nil
	}
	if p, ok := platformWords[v]; ok {
		return p, nil
	}
	if strings.HasPrefix(v, "amazon") {
		return "amazon", nil
	}
	return "", fmt.Errorf("platform %q is not one of %s (or 淘宝, 天猫, 京东, 拼多多, 抖音)", s, join(cases.Platforms()))
}

var severityWords = map[string]cases.Severity{
	"低": "low", "不急": "low", "低优先级": "low",
	"普通": "normal", "一般": "normal", "正常": "normal", "中": "normal", "medium": "normal",
	"高": "high", "重要": "high", "高优先级": "high",
	"紧急": "urgent", "加急": "urgent", "特急": "urgent", "critical": "urgent",
}

// ParseSeverity reads a severity: low, normal, high, urgent, or 低, 普通,
// 高, 紧急 and their neighbours.
func ParseSeverity(s string) (cases.Severity, error) {
	v := wordKey(s)
	if sev := cases.Severity(v); sev.Valid() {
		return sev, nil
	}
	if sev, ok := severityWords[v]; ok {
		return sev, nil
	}
	return "", fmt.Errorf("severity %q is not one of %s (or 低, 普通, 高, 紧急)", s, join(cases.Severities()))
}

// escalated reads a flag of platform intervention: Y/N, 是/否, A-to-z
// claim "Yes", 客服介入状态 "需要客服介入" / "未介入". Unknown words read as
// no: the flag informs, it never refuses a line.
func escalated(s string) bool {
	v := wordKey(s)
	switch v {
	case "y", "yes", "true", "1", "是":
		return true
	case "", "n", "no", "false", "0", "否", "无", "-":
		return false
	}
	for _, neg := range []string{"未", "不", "无", "没", "no ", "not "} {
		if strings.Contains(v, neg) {
			return false
		}
	}
	return strings.Contains(v, "介入") || strings.Contains(v, "claim") || strings.Contains(v, "escalat")
}

// removed reads a review status (评价状态): 已删除, 已隐藏, 已屏蔽,
// removed, deleted, hidden say the review is gone; anything else says it
// stands.
func removed(s string) bool {
	v := wordKey(s)
	for _, neg := range []string{"未", "没", "不", "not ", "visible"} {
		if strings.Contains(v, neg) {
			return false
		}
	}
	for _, w := range []string{"删", "隐藏", "屏蔽", "撤", "removed", "deleted", "hidden", "withdrawn"} {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

func join[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

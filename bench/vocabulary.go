package main

import (
	"math/rand/v2"
	"strings"

	"redress/cases"
)

// The vocabulary the seeded texts are drawn from. Chinese texts are built
// from two- to four-character words joined into runs, as buyers write them,
// so that a two-character search term such as 破损 matches about one case
// in a hundred; the seed counts the actual share of each search word.

var productsZH = []string{
	"杯子", "耳机", "手机壳", "充电器", "数据线", "保温杯", "衬衫", "连衣裙", "运动鞋", "背包",
	"台灯", "键盘", "鼠标", "口红", "面膜", "洗发水", "奶粉", "纸尿裤", "零食", "茶叶",
	"咖啡机", "电饭煲", "吹风机", "床单", "枕头", "毛巾", "雨伞", "手表", "眼镜", "玩具",
	"积木", "拼图", "花瓶", "餐具", "炒锅", "剃须刀", "牙刷", "香水", "围巾", "手套",
	"帽子", "袜子", "外套", "裤子", "坐垫", "收纳盒", "衣架", "插座", "音箱", "平板",
	"相机", "镜头", "三脚架", "风扇", "加湿器", "空气炸锅", "榨汁机", "电动牙刷", "移动电源", "行李箱",
}

var productsEN = []string{
	"mug", "headphones", "phone case", "charger", "cable", "water bottle", "shirt", "dress", "sneakers", "backpack",
	"desk lamp", "keyboard", "mouse", "lipstick", "face mask", "shampoo", "baby formula", "snacks", "tea set", "coffee maker",
	"rice cooker", "hair dryer", "bed sheet", "pillow", "towel", "umbrella", "watch", "glasses", "toy car", "puzzle",
	"vase", "cutlery", "frying pan", "shaver", "toothbrush", "perfume", "scarf", "gloves", "jacket", "suitcase",
}

// issuesZH are what went wrong, by kind. Exactly one damaged issue says
// 破损.
var issuesZH = map[cases.Kind][]string{
	"logistics_query": {"物流一直没更新", "快递停在中转站三天了", "三天了还没发货", "配送太慢了", "显示已签收但是没收到",
		"快递员不送上门", "物流信息显示异常", "外箱被压扁了", "派送地址错了", "被放在驿站没通知"},
	"lost_parcel":  {"包裹丢失了", "快递丢件", "物流显示退回但没收到", "签收人不是本人", "包裹在转运中心不见了", "快递说找不到包裹"},
	"missing_item": {"少发了一件", "配件缺失", "赠品没收到", "数量不对", "说明书和充电头都没有", "套装少了一个"},
	"damaged": {"收到时已经破损", "碎了", "裂开了", "压坏了", "摔坏了", "变形了", "有很深的划痕", "漏液了",
		"屏幕有裂纹", "盒子被压扁里面也坏了", "边角磕掉一块", "玻璃碎成好几片"},
	"wrong_item": {"发错颜色了", "发错尺码", "型号不对", "和图片不一样", "发来的是旧款", "收到别人的货"},
	"quality": {"质量太差", "用了两天就坏了", "做工粗糙", "有很大的异味", "洗一次就掉色", "穿几次就起球", "线头开了",
		"不制冷", "充不进电", "声音有杂音", "按键失灵", "尺寸偏小很多"},
	"refund_dispute": {"申请退款被拒绝", "退款一直没到账", "退货后没退款", "只退了一半的钱", "商家拒收退货", "运费险不给赔"},
	"complaint":      {"客服态度很差", "客服一直不回消息", "承诺的赠品没给", "价格保护不兑现", "催了好几次都没人管", "被客服挂电话"},
}

var demandsZH = []string{"要求退款", "希望换货", "要求补发", "请尽快处理", "给个说法", "要求赔偿", "希望退货退款", "请联系我"}
var openersZH = []string{"买的", "刚收到的", "第二次买的", "给家里人买的", "活动时买的", "朋友推荐买的", "看直播买的"}
var closingsZH = []string{"差评！", "太失望了", "不会再买了", "大家慎重", "一般般吧", "凑合用", "体验很不好", "希望商家改进"}

var issuesEN = map[cases.Kind][]string{
	"logistics_query": {"tracking has not updated for a week", "is stuck at the sorting centre", "has not shipped yet", "is marked delivered but never arrived"},
	"lost_parcel":     {"was lost in transit", "never arrived and the carrier cannot find it", "was signed for by someone else"},
	"missing_item":    {"arrived with parts missing", "came without the charger", "was one item short"},
	"damaged":         {"arrived broken", "arrived cracked", "was crushed in the box", "came scratched and dented", "was leaking"},
	"wrong_item":      {"is the wrong colour", "is the wrong size", "is not the model I ordered", "looks nothing like the photos"},
	"quality":         {"stopped working after two days", "feels cheap and flimsy", "smells terrible", "fades after one wash", "will not charge"},
	"refund_dispute":  {"was returned but the refund never came", "refund request was declined", "was only half refunded"},
	"complaint":       {"support never answered my messages", "support was rude to me", "promised gift was never sent"},
}

var demandsEN = []string{"I want a refund.", "Please replace it.", "Send the missing part.", "Please sort this out quickly.", "I expect compensation."}
var closingsEN = []string{"Very disappointed.", "Would not buy again.", "Two stars.", "Not what I expected.", "Fix this please."}

var firstResponsesZH = []string{
	"亲，非常抱歉给您带来不便，我们马上为您核实情况。",
	"您好，已经收到您的反馈，请提供一下订单照片，我们尽快处理。",
	"亲，您的问题已记录，专属客服会在两小时内联系您。",
}
var firstResponsesEN = []string{
	"Sorry to hear that; we are looking into your order now.",
	"Thanks for telling us. Could you send a photo so we can sort it out?",
	"We have logged your problem and will get back to you within two hours.",
}
var accountsZH = []string{
	"买家说收货时外箱完好，打开后发现问题，已提供照片。",
	"买家第一次购买，情绪较激动，希望尽快解决。",
	"老客户，之前没有投诉记录，描述清楚。",
	"买家称多次联系客服无果，对处理速度不满。",
}
var accountsEN = []string{
	"Buyer says the box looked fine but the item was faulty; photos attached.",
	"First order from this buyer, upset and wants a quick fix.",
	"Returning customer with no earlier complaints.",
}
var apologiesZH = []string{
	"非常抱歉让您有了不好的购物体验，我们会负责到底。",
	"真的很抱歉，是我们的疏忽，给您添麻烦了。",
}
var apologiesEN = []string{
	"We are truly sorry for the trouble this caused you.",
	"Our apologies: this should not have happened.",
}
var outcomeNotesZH = []string{"买家确认收到退款，表示满意。", "补发已签收，买家追评改为好评。", "买家接受优惠券，评价未修改。"}
var outcomeNotesEN = []string{"Buyer confirmed the refund and is happy.", "Replacement delivered; review updated.", "Buyer took the coupon; review unchanged."}

// searchWords are the Chinese words the search scenario looks for; the seed
// records how many cases each matches.
var searchWords = []string{"破损", "耳机", "退款", "漏液", "客服", "丢件", "发错", "异味"}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// zhText returns a Chinese summary and, for reviews, a review text.
func zhText(rng *rand.Rand, kind cases.Kind, product string) (summary, review string) {
	issueKind := kind
	if kind.IsReview() {
		issueKind = pick(rng, []cases.Kind{"quality", "quality", "damaged", "wrong_item", "complaint", "logistics_query"})
	}
	issue := pick(rng, issuesZH[issueKind])
	summary = product + issue + "，" + pick(rng, demandsZH)
	if kind.IsReview() {
		var b strings.Builder
		b.WriteString(pick(rng, openersZH))
		b.WriteString(product)
		b.WriteString("，")
		b.WriteString(issue)
		if rng.IntN(2) == 0 {
			b.WriteString("，")
			b.WriteString(pick(rng, issuesZH["complaint"]))
		}
		b.WriteString("，")
		b.WriteString(pick(rng, closingsZH))
		review = b.String()
	}
	return summary, review
}

// enText is zhText in English.
func enText(rng *rand.Rand, kind cases.Kind, product string) (summary, review string) {
	issueKind := kind
	if kind.IsReview() {
		issueKind = pick(rng, []cases.Kind{"quality", "quality", "damaged", "wrong_item", "complaint"})
	}
	issue := pick(rng, issuesEN[issueKind])
	summary = "The " + product + " " + issue + ". " + pick(rng, demandsEN)
	if kind.IsReview() {
		review = "Bought this " + product + " and it " + issue + ". " + pick(rng, closingsEN)
	}
	return summary, review
}

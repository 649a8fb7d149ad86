package intake

import "slices"

// Field is a piece of information Redress reads from an export. Its name is
// the column name of Redress's own import template where that exists.
type Field string

// The fields of Redress's own import template (cases.ImportColumns).
const (
	FieldPlatform       Field = "platform"
	FieldExternalID     Field = "external_id"
	FieldShop           Field = "shop"
	FieldKind           Field = "kind"
	FieldSeverity       Field = "severity"
	FieldOrderRef       Field = "order_ref"
	FieldOrderAmount    Field = "order_amount"
	FieldOrderCurrency  Field = "order_currency"
	FieldBuyerHandle    Field = "buyer_handle"
	FieldBuyerContact   Field = "buyer_contact"
	FieldSummary        Field = "summary"
	FieldReviewRating   Field = "review_rating"
	FieldReviewText     Field = "review_text"
	FieldReviewPostedAt Field = "review_posted_at"
	FieldReviewURL      Field = "review_url"
	FieldPlatformDueAt  Field = "platform_due_at"
)

// Fields that native exports carry beyond the template.
const (
	FieldFollowUpText Field = "review_follow_up_text" // 追评内容
	FieldFollowUpAt   Field = "review_follow_up_at"   // 追评时间
	FieldReviewStatus Field = "review_status"         // 评价状态: shown, removed, hidden
	FieldReason       Field = "reason"                // 申请原因, return reason
	FieldRequestType  Field = "request_type"          // 售后类型: 仅退款, 退货退款, 换货 …
	FieldOpenedAt     Field = "opened_at"             // when the buyer raised it on the platform
	FieldStatus       Field = "status"                // the platform's own status of the request
	FieldItem         Field = "item"                  // product name
	FieldItemRef      Field = "item_ref"              // product id, SKU, ASIN
	FieldRefundAmount Field = "refund_amount"         // the amount the buyer asks back
	FieldEscalated    Field = "escalated"             // platform intervention, A-to-z claim
)

// Fields returns every field, template fields first.
func Fields() []Field {
	return []Field{FieldPlatform, FieldExternalID, FieldShop, FieldKind, FieldSeverity, FieldOrderRef,
		FieldOrderAmount, FieldOrderCurrency, FieldBuyerHandle, FieldBuyerContact, FieldSummary,
		FieldReviewRating, FieldReviewText, FieldReviewPostedAt, FieldReviewURL, FieldPlatformDueAt,
		FieldFollowUpText, FieldFollowUpAt, FieldReviewStatus, FieldReason, FieldRequestType,
		FieldOpenedAt, FieldStatus, FieldItem, FieldItemRef, FieldRefundAmount, FieldEscalated}
}

// Valid reports whether f is a field Redress reads.
func (f Field) Valid() bool { return slices.Contains(Fields(), f) }

// Fixable reports whether a mapping may give f one value for every line
// (platform=taobao, shop=旗舰店, kind=bad_review …).
func (f Field) Fixable() bool {
	return f == FieldPlatform || f == FieldShop || f == FieldKind || f == FieldSeverity || f == FieldOrderCurrency
}

package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

func TestEvidenceEachKindRoundTrip(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	captured := "2026-01-02T10:00:00+08:00"
	chat := "小王 2026-11-20 10:01:02\n杯子碎了\n客服-阿美 2026-11-20 10:01:30\n亲，抱歉\r\n"
	jpeg, png := fileOf(jpegMagic, 300<<10, 1), fileOf(pngMagic, 5000, 2)
	pdf, gif, webp := fileOf(pdfMagic, 4000, 3), fileOf(gifMagic, 100, 4), fileOf(webpMagic, 200, 5)
	plain := []byte("物流单号 SF1234567890\n已签收\n")

	type sent struct {
		kind, contentType string
		content           []byte // what the sha256 must be of
		check             func(t *testing.T, ev cases.Evidence)
	}
	var items []sent
	var created []cases.Evidence

	t.Run("ChatExcerptAsJSON", func(t *testing.T) {
		ev := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": chat, "captured_at": captured, "note": "买家威胁差评",
			"roles": map[string]string{"小王": "buyer", "客服-阿美": "shop"}})
		if ev.Text == nil || *ev.Text != chat || ev.Parsed == nil || !*ev.Parsed || ev.Lines == nil || len(*ev.Lines) != 2 {
			t.Fatalf("chat excerpt %+v", ev)
		}
		if l := (*ev.Lines)[0]; l.Role != "buyer" || l.AtTime == nil || l.At != "2026-11-20 10:01:02" || ev.Roles["客服-阿美"] != "shop" {
			t.Fatalf("chat excerpt's first line %+v, roles %v", l, ev.Roles)
		}
		if l := (*ev.Lines)[1]; l.Speaker != "客服-阿美" || l.Message != "亲，抱歉" || l.At != "2026-11-20 10:01:30" {
			t.Fatalf("second line %+v", l)
		}
		if ev.CapturedAt == nil || !ev.CapturedAt.Equal(mustTime(captured)) || ev.Note != "买家威胁差评" {
			t.Fatalf("captured_at/note %+v", ev)
		}
		items, created = append(items, sent{"chat_excerpt", "text/plain; charset=utf-8", []byte(chat), nil}), append(created, ev)
	})
	t.Run("DeliverySignatureAsJSON", func(t *testing.T) {
		ev := agent.addEvidence(c.ID, map[string]any{"kind": "delivery_signature", "courier": "顺丰", "waybill": "SF1234567890",
			"signed_by": "王先生", "signed_at": "2026-01-01T18:30:00+08:00"})
		if ev.Courier != "顺丰" || ev.Waybill != "SF1234567890" || ev.SignedBy != "王先生" || ev.SignedAt == nil ||
			!ev.SignedAt.Equal(mustTime("2026-01-01T18:30:00+08:00")) || ev.ContentType != "application/json" {
			t.Fatalf("signature %+v", ev)
		}
		items, created = append(items, sent{"delivery_signature", "application/json", nil, func(t *testing.T, ev cases.Evidence) {
			var rec map[string]any
			if err := json.Unmarshal(contentOf(t, agent, ev.ID), &rec); err != nil || rec["waybill"] != "SF1234567890" || rec["signed_by"] != "王先生" {
				t.Fatalf("record content %v %v", rec, err)
			}
		}}), append(created, ev)
	})
	t.Run("DeliverySignatureWithImage", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "delivery_signature"), field("courier", "中通"), field("waybill", "ZT778899"),
			field("signed_by", "本人"), field("signed_at", "2026-01-01T09:00:00Z"), filePart("签收单.png", png))
		ev := created201(t, rec)
		if ev.ContentType != "image/png" || ev.FileName != "签收单.png" || ev.Courier != "中通" || ev.SignedBy != "本人" {
			t.Fatalf("signature with image %+v", ev)
		}
		items, created = append(items, sent{"delivery_signature", "image/png", png, nil}), append(created, ev)
	})
	t.Run("Photo", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "photo"), field("captured_at", captured), filePart("破损杯子.jpg", jpeg))
		ev := created201(t, rec)
		if ev.ContentType != "image/jpeg" || ev.Size != int64(len(jpeg)) || ev.Courier != "" || ev.Text != nil {
			t.Fatalf("photo %+v", ev)
		}
		items, created = append(items, sent{"photo", "image/jpeg", jpeg, nil}), append(created, ev)
	})
	t.Run("TrackingRecordAsJSON", func(t *testing.T) {
		ev := agent.addEvidence(c.ID, map[string]any{"kind": "tracking_record", "courier": "顺丰", "waybill": "SF1234567890",
			"status_lines": []map[string]any{
				{"at": "2026-01-01T08:00:00+08:00", "status": "派送中", "location": "杭州"},
				{"at": "2026-01-01T18:30:00+08:00", "status": "已签收，签收人：本人"},
			}})
		if ev.StatusLines == nil || len(*ev.StatusLines) != 2 || (*ev.StatusLines)[0].Location != "杭州" || ev.ContentType != "application/json" {
			t.Fatalf("tracking %+v", ev)
		}
		items, created = append(items, sent{"tracking_record", "application/json", nil, nil}), append(created, ev)
	})
	t.Run("TrackingRecordWithScreenshotAndLines", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "tracking_record"), field("courier", "EMS"), field("waybill", "E1"),
			field("status_lines", `[{"status":"delivered"}]`), filePart("tracking.webp", webp))
		ev := created201(t, rec)
		if ev.ContentType != "image/webp" || ev.StatusLines == nil || (*ev.StatusLines)[0].Status != "delivered" {
			t.Fatalf("tracking with file %+v", ev)
		}
		items, created = append(items, sent{"tracking_record", "image/webp", webp, nil}), append(created, ev)
	})
	t.Run("Screenshot", func(t *testing.T) {
		ev := created201(t, agent.upload(c.ID, filePart("review.gif", gif), field("kind", "screenshot")))
		items, created = append(items, sent{"screenshot", "image/gif", gif, nil}), append(created, ev)
	})
	t.Run("DocumentPDF", func(t *testing.T) {
		ev := created201(t, agent.upload(c.ID, field("kind", "document"), filePart("invoice.pdf", pdf)))
		items, created = append(items, sent{"document", "application/pdf", pdf, nil}), append(created, ev)
	})
	t.Run("DocumentPlainText", func(t *testing.T) {
		ev := created201(t, agent.upload(c.ID, field("kind", "document"), filePart("物流.txt", plain)))
		items, created = append(items, sent{"document", "text/plain; charset=utf-8", plain, nil}), append(created, ev)
	})
	if t.Failed() {
		return
	}

	t.Run("ReadBackMatchesAndHashesTheBytes", func(t *testing.T) {
		for i, s := range items {
			ev := created[i]
			got := decodeAs[cases.Evidence](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d", ev.ID), nil))
			if got.ID != ev.ID || got.CaseID != c.ID || string(got.Kind) != s.kind || got.SHA256 != ev.SHA256 ||
				got.ContentType != s.contentType || got.AddedBy != agent.user.ID || got.Voided || got.AddedAt.IsZero() {
				t.Fatalf("item %d read back %+v, want kind %s type %s", i, got, s.kind, s.contentType)
			}
			body := contentOf(t, agent, ev.ID)
			if sha256Hex(body) != ev.SHA256 || int64(len(body)) != ev.Size {
				t.Fatalf("item %d (%s): content hashes to %s (%d bytes), item says %s (%d)", i, s.kind, sha256Hex(body), len(body), ev.SHA256, ev.Size)
			}
			if s.content != nil && (sha256Hex(s.content) != ev.SHA256 || string(body) != string(s.content)) {
				t.Fatalf("item %d (%s): stored bytes differ from the bytes sent", i, s.kind)
			}
			var n int
			if err := e.db.Get(&n, `SELECT count(*) FROM evidence WHERE id = $1 AND sha256 = $2`, ev.ID, sha256Hex(body)); err != nil || n != 1 {
				t.Fatalf("item %d: the stored sha256 column does not match the bytes", i)
			}
			if s.check != nil {
				s.check(t, ev)
			}
		}
	})
	t.Run("ListOldestFirst", func(t *testing.T) {
		list := decodeAs[struct{ Items []cases.Evidence }](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), nil)).Items
		if len(list) != len(created) {
			t.Fatalf("listed %d items, added %d", len(list), len(created))
		}
		for i := range list {
			if list[i].ID != created[i].ID {
				t.Fatalf("list order %d: %d, want %d", i, list[i].ID, created[i].ID)
			}
		}
	})
	t.Run("LedgerRecordsEachHash", func(t *testing.T) {
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil)).Items
		hashes := map[string]bool{}
		for _, ev := range evs {
			if ev.Kind == cases.EventEvidenceAdded {
				var p struct {
					EvidenceID int64  `json:"evidence_id"`
					SHA256     string `json:"sha256"`
				}
				json.Unmarshal(ev.Payload, &p) //nolint:errcheck
				hashes[fmt.Sprint(p.EvidenceID, p.SHA256)] = true
			}
		}
		for _, ev := range created {
			if !hashes[fmt.Sprint(ev.ID, ev.SHA256)] {
				t.Fatalf("no evidence_added event records item %d with %s", ev.ID, ev.SHA256)
			}
		}
		cur := decodeAs[cases.Case](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil))
		if cur.Version != 1 {
			t.Fatalf("adding evidence changed the case's version to %d", cur.Version)
		}
	})
}

func created201(t *testing.T, rec interface {
	Result() *http.Response
}) cases.Evidence {
	t.Helper()
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.StatusCode, body)
	}
	var ev cases.Evidence
	if err := json.Unmarshal(body, &ev); err != nil {
		t.Fatal(err)
	}
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/api/v1/evidence/%d", ev.ID) {
		t.Fatalf("Location %q for evidence %d", loc, ev.ID)
	}
	return ev
}

func contentOf(t *testing.T, c caller, id int64) []byte {
	t.Helper()
	rec := c.call(http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d/content", id), nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("content of %d: %d %s", id, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEvidenceDedupe(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c1 := evidenceCase(t, agent)
	c2 := evidenceCase(t, agent)
	photo := fileOf(jpegMagic, 600<<10, 9)
	a := created201(t, agent.upload(c1.ID, field("kind", "photo"), filePart("a.jpg", photo)))
	b := created201(t, agent.upload(c2.ID, field("kind", "screenshot"), filePart("b.jpg", photo)))
	if a.SHA256 != b.SHA256 || a.ID == b.ID || a.FileName != "a.jpg" || b.FileName != "b.jpg" {
		t.Fatalf("two uploads %+v / %+v", a, b)
	}
	n := evidenceRows(t, e.db)
	if n["evidence"] != 2 || n["evidence_blobs"] != 1 || n["evidence_chunks"] != 3 {
		t.Fatalf("rows %v; want two items on one blob of 3 chunks", n)
	}
	if string(contentOf(t, agent, b.ID)) != string(photo) {
		t.Fatal("the second reference does not read back the bytes")
	}
}

func TestEvidenceUploadLimits(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	before := evidenceRows(t, e.db)
	t.Run("25MiBIs413", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "photo"), part{name: "file", fileName: "big.jpg", body: streamOf(jpegMagic, 25<<20, 1)})
		wantProblem(t, rec, http.StatusRequestEntityTooLarge, "file")
	})
	t.Run("ExeRenamedJpgIs415", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "photo"), filePart("cup.jpg", fileOf(exeMagic, 70<<10, 2)))
		wantProblem(t, rec, http.StatusUnsupportedMediaType, "file")
	})
	t.Run("HTMLIs415", func(t *testing.T) {
		rec := agent.upload(c.ID, field("kind", "document"), filePart("x.txt", []byte("<html><script>alert(1)</script></html>")))
		wantProblem(t, rec, http.StatusUnsupportedMediaType, "file")
	})
	t.Run("LimitIsConfigurable", func(t *testing.T) {
		small := newEnvWith(t, map[string]string{"REDRESS_MAX_UPLOAD_BYTES": "1000"})
		a := small.caller(cases.RoleAgent)
		sc := evidenceCase(t, a)
		wantProblem(t, a.upload(sc.ID, field("kind", "photo"), filePart("a.jpg", fileOf(jpegMagic, 1001, 3))), 413, "file")
		created201(t, a.upload(sc.ID, field("kind", "photo"), filePart("a.jpg", fileOf(jpegMagic, 1000, 3))))
	})
	t.Run("JSONOverBodyLimitIs413", func(t *testing.T) {
		big := strings.Repeat("聊", 400<<10) // 1.2 MB of text, over the 1 MiB JSON limit
		wantProblem(t, agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID),
			map[string]any{"kind": "chat_excerpt", "text": big}), http.StatusRequestEntityTooLarge, "")
	})
	sameRows(t, before, evidenceRows(t, e.db))
}

func TestEvidenceBadInput(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	path := fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID)
	jpeg := fileOf(jpegMagic, 2000, 1)
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	before := evidenceRows(t, e.db)

	uploads := []struct {
		name   string
		parts  []part
		status int
		field  string
	}{
		{"MissingKind", []part{filePart("a.jpg", jpeg)}, 422, "kind"},
		{"UnknownKind", []part{field("kind", "video"), filePart("a.jpg", jpeg)}, 422, "kind"},
		{"CourierOnPhoto", []part{field("kind", "photo"), field("courier", "顺丰"), filePart("a.jpg", jpeg)}, 422, "courier"},
		{"SignedAtOnScreenshot", []part{field("kind", "screenshot"), field("signed_at", "2026-01-01T00:00:00Z"), filePart("a.jpg", jpeg)}, 422, "signed_at"},
		{"TextOnDocument", []part{field("kind", "document"), field("text", "hi"), filePart("a.jpg", jpeg)}, 422, "text"},
		{"EmptyFile", []part{field("kind", "photo"), filePart("a.jpg", nil)}, 422, "file"},
		{"NoFilePart", []part{field("kind", "photo"), field("note", "forgot the file")}, 422, "file"},
		{"FileForChatExcerpt", []part{field("kind", "chat_excerpt"), filePart("chat.txt", []byte("[10:01] a: b"))}, 422, "file"},
		{"FileForChatExcerptKindAfterFile", []part{filePart("chat.txt", []byte("[10:01] a: b")), field("kind", "chat_excerpt"), field("text", "x")}, 422, "file"},
		{"FileNameWithSlash", []part{field("kind", "photo"), filePart("../../etc/cup.jpg", jpeg)}, 422, "file_name"},
		{"FileNameWithBackslash", []part{field("kind", "photo"), filePart(`C:\Users\wang\cup.jpg`, jpeg)}, 422, "file_name"},
		{"FileNameWithControlCharacter", []part{field("kind", "photo"),
			{name: "file", body: strings.NewReader(string(jpeg)), disposition: "form-data; name=\"file\"; filename*=UTF-8''cup%01.jpg"}}, 422, "file_name"},
		{"FileNameWithTab", []part{field("kind", "photo"),
			{name: "file", body: strings.NewReader(string(jpeg)), disposition: "form-data; name=\"file\"; filename=\"cup\t.jpg\""}}, 422, "file_name"},
		{"FileNameTooLong", []part{field("kind", "photo"), filePart(strings.Repeat("杯", 86)+".jpg", jpeg)}, 422, "file_name"},
		{"SignedAtInTheFuture", []part{field("kind", "delivery_signature"), field("courier", "顺丰"), field("waybill", "SF1"),
			field("signed_by", "王"), field("signed_at", future), filePart("s.jpg", jpeg)}, 422, "signed_at"},
		{"CapturedAtInTheFuture", []part{field("kind", "photo"), field("captured_at", future), filePart("a.jpg", jpeg)}, 422, "captured_at"},
		{"MalformedTime", []part{field("kind", "photo"), field("captured_at", "yesterday"), filePart("a.jpg", jpeg)}, 422, "captured_at"},
		{"SignatureWithoutWaybill", []part{field("kind", "delivery_signature"), field("courier", "顺丰"), field("signed_by", "王"),
			field("signed_at", "2026-01-01T00:00:00Z")}, 422, "waybill"},
		{"BadStatusLines", []part{field("kind", "tracking_record"), field("courier", "a"), field("waybill", "b"), field("status_lines", "{")}, 422, "status_lines"},
		{"UnknownPart", []part{field("kind", "photo"), field("colour", "red"), filePart("a.jpg", jpeg)}, 400, "colour"},
		{"KindTwice", []part{field("kind", "photo"), field("kind", "document"), filePart("a.jpg", jpeg)}, 400, "kind"},
		{"TwoFiles", []part{field("kind", "photo"), filePart("a.jpg", jpeg), filePart("b.jpg", jpeg)}, 400, "file"},
	}
	for _, tc := range uploads {
		t.Run("Upload"+tc.name, func(t *testing.T) {
			wantProblem(t, agent.upload(c.ID, tc.parts...), tc.status, tc.field)
		})
	}
	jsons := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"MissingKind", map[string]any{"text": "[10:01] a: b"}, 422, "kind"},
		{"UnknownKind", map[string]any{"kind": "selfie"}, 422, "kind"},
		{"BlankChat", map[string]any{"kind": "chat_excerpt", "text": " \n "}, 422, "text"},
		{"NULInChat", map[string]any{"kind": "chat_excerpt", "text": "a\u0000b"}, 400, "text"},
		{"CourierOnChat", map[string]any{"kind": "chat_excerpt", "text": "hi", "courier": "顺丰"}, 422, "courier"},
		{"RolesOnSignature", map[string]any{"kind": "delivery_signature", "courier": "a", "waybill": "b", "signed_by": "c",
			"signed_at": "2026-01-01T00:00:00Z", "roles": map[string]string{"a": "buyer"}}, 422, "roles"},
		{"RolesNameNoSpeaker", map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 退款", "roles": map[string]string{"老李": "buyer"}}, 422, "roles"},
		{"RolesUnknownSide", map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 退款", "roles": map[string]string{"小王": "judge"}}, 422, "roles"},
		{"RolesOfUnrecognisedText", map[string]any{"kind": "chat_excerpt", "text": "just notes", "roles": map[string]string{"小王": "buyer"}}, 422, "roles"},
		{"RolesNotAnObject", map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 退款", "roles": []string{"buyer"}}, 400, "roles"},
		{"StatusLinesOnSignature", map[string]any{"kind": "delivery_signature", "courier": "a", "waybill": "b", "signed_by": "c",
			"signed_at": "2026-01-01T00:00:00Z", "status_lines": []map[string]string{{"status": "x"}}}, 422, "status_lines"},
		{"PhotoWithoutFile", map[string]any{"kind": "photo"}, 422, "file"},
		{"SignatureWithoutSignedAt", map[string]any{"kind": "delivery_signature", "courier": "a", "waybill": "b", "signed_by": "c"}, 422, "signed_at"},
		{"SignedAtInTheFuture", map[string]any{"kind": "delivery_signature", "courier": "a", "waybill": "b", "signed_by": "c", "signed_at": future}, 422, "signed_at"},
		{"TrackingWithoutLines", map[string]any{"kind": "tracking_record", "courier": "a", "waybill": "b"}, 422, "status_lines"},
		{"TrackingLineWithoutStatus", map[string]any{"kind": "tracking_record", "courier": "a", "waybill": "b",
			"status_lines": []map[string]string{{"at": "2026-01-01T00:00:00Z"}}}, 422, "status_lines.status"},
		{"TrackingLineBadTime", map[string]any{"kind": "tracking_record", "courier": "a", "waybill": "b",
			"status_lines": []map[string]string{{"at": "now", "status": "x"}}}, 422, "status_lines.at"},
		{"UnknownMember", map[string]any{"kind": "chat_excerpt", "text": "x", "file_name": "a.txt"}, 400, "file_name"},
		{"MalformedJSON", `{"kind":`, 400, ""},
	}
	for _, tc := range jsons {
		t.Run("JSON"+tc.name, func(t *testing.T) {
			wantProblem(t, agent.call(http.MethodPost, path, tc.body), tc.status, tc.field)
		})
	}
	t.Run("NeitherJSONNorMultipartIs415", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, path, "kind=photo", "Content-Type", "application/x-www-form-urlencoded"), 415, "")
	})
	t.Run("MultipartWithoutBoundaryIs400", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, path, "x", "Content-Type", "multipart/form-data"), 400, "")
	})
	t.Run("UnknownCaseIs404", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/999999/evidence", map[string]any{"kind": "chat_excerpt", "text": "x"}), 404, "")
		wantProblem(t, agent.upload(999999, field("kind", "photo"), filePart("a.jpg", jpeg)), 404, "")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases/999999/evidence", nil), 404, "")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/cases/999999/evidence.zip", nil), 404, "")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/evidence/999999", nil), 404, "")
		wantProblem(t, agent.call(http.MethodGet, "/api/v1/evidence/999999/content", nil), 404, "")
	})
	t.Run("NothingStored", func(t *testing.T) {
		sameRows(t, before, evidenceRows(t, e.db))
	})
}

func TestEvidenceAuthorization(t *testing.T) {
	e := newEnv(t)
	owner := e.caller(cases.RoleAgent)
	other := e.caller(cases.RoleAgent)
	c := evidenceCase(t, owner)
	if rec := owner.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/assignment", c.ID), map[string]any{"assignee_id": owner.user.ID}); rec.Code != 200 {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	ev := owner.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 不退款就差评"})
	before := evidenceRows(t, e.db)
	t.Run("OtherAgentCannotAdd", func(t *testing.T) {
		wantProblem(t, other.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), map[string]any{"kind": "chat_excerpt", "text": "x"}), 403, "")
		wantProblem(t, other.upload(c.ID, field("kind", "photo"), filePart("a.jpg", fileOf(jpegMagic, 1000, 1))), 403, "")
		sameRows(t, before, evidenceRows(t, e.db))
	})
	t.Run("OtherAgentCanRead", func(t *testing.T) {
		for _, p := range []string{fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), fmt.Sprintf("/api/v1/evidence/%d", ev.ID),
			fmt.Sprintf("/api/v1/evidence/%d/content", ev.ID), fmt.Sprintf("/api/v1/cases/%d/evidence.zip", c.ID)} {
			if rec := other.call(http.MethodGet, p, nil); rec.Code != http.StatusOK {
				t.Fatalf("GET %s as another agent: %d", p, rec.Code)
			}
		}
	})
	t.Run("AnonymousIs401", func(t *testing.T) {
		wantProblem(t, e.do(http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d/content", ev.ID), nil), 401, "")
	})
}

func TestEvidenceParsePreview(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	before := evidenceRows(t, e.db)
	rec := agent.call(http.MethodPost, "/api/v1/evidence/parse", map[string]string{"text": "[10:01:02] 小王：杯子碎了\n[10:01:30] 客服：抱歉"})
	got := decodeAs[cases.ChatPreview](t, rec)
	if rec.Code != 200 || !got.Parsed || len(got.Lines) != 2 || got.Lines[0].Speaker != "小王" || got.Lines[0].Message != "杯子碎了" {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if len(got.Speakers) != 2 || got.Speakers[0] != (cases.ChatSpeaker{Name: "小王", Role: "buyer"}) || got.Speakers[1] != (cases.ChatSpeaker{Name: "客服", Role: "shop"}) {
		t.Fatalf("speakers %+v", got.Speakers)
	}
	t.Run("QianniuSubAccountWithDatesInTheShopsZone", func(t *testing.T) {
		rec := agent.call(http.MethodPost, "/api/v1/evidence/parse", map[string]string{
			"text": "聊天记录 订单 123\n旗舰店:小美 2026-11-20 10:01:02\n亲，您好\ntb_buyer88 2026-11-20 10:01:30\n最晚 18:00\n"})
		got := decodeAs[cases.ChatPreview](t, rec)
		if !got.Parsed || len(got.Lines) != 2 || got.Lines[0].Speaker != "旗舰店:小美" || got.Lines[1].Message != "最晚 18:00" || got.Preamble == "" {
			t.Fatalf("%s", rec.Body)
		}
		// REDRESS_TIMEZONE defaults to Asia/Shanghai: 10:01:30 there is 02:01:30 UTC.
		if at := got.Lines[1].AtTime; at == nil || at.UTC().Format(time.RFC3339) != "2026-11-20T02:01:30Z" {
			t.Fatalf("at_time %v", got.Lines[1].AtTime)
		}
		if !strings.Contains(rec.Body.String(), `"at":"2026-11-20 10:01:30"`) {
			t.Fatalf("at is not kept as written: %s", rec.Body)
		}
	})
	rec = agent.call(http.MethodPost, "/api/v1/evidence/parse", map[string]string{"text": "just some notes"})
	if !strings.Contains(rec.Body.String(), `"parsed":false,"lines":[]`) {
		t.Fatalf("unparsed preview %s", rec.Body)
	}
	wantProblem(t, agent.call(http.MethodPost, "/api/v1/evidence/parse", map[string]any{"text": 5}), 400, "text")
	sameRows(t, before, evidenceRows(t, e.db))
}

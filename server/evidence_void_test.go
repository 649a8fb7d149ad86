package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"redress/cases"
)

func TestEvidenceVoid(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	c := evidenceCase(t, agent)
	ev := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 给我退款不然差评"})
	voidPath := fmt.Sprintf("/api/v1/evidence/%d/void", ev.ID)
	before := evidenceRows(t, e.db)

	t.Run("AgentIs403", func(t *testing.T) {
		wantProblem(t, agent.call(http.MethodPost, voidPath, map[string]string{"reason": "mine"}), 403, "")
	})
	t.Run("ReasonIsRequired", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodPost, voidPath, map[string]string{"reason": "  "}), 422, "reason")
		wantProblem(t, sup.call(http.MethodPost, voidPath, map[string]any{}), 422, "reason")
	})
	t.Run("UnknownEvidenceIs404", func(t *testing.T) {
		wantProblem(t, sup.call(http.MethodPost, "/api/v1/evidence/999999/void", map[string]string{"reason": "x"}), 404, "")
	})
	t.Run("RefusalsChangeNothing", func(t *testing.T) {
		sameRows(t, before, evidenceRows(t, e.db))
	})
	t.Run("SupervisorVoids", func(t *testing.T) {
		rec := sup.call(http.MethodPost, voidPath, map[string]string{"reason": "excerpt belongs to another order"})
		if rec.Code != http.StatusOK {
			t.Fatalf("void: %d %s", rec.Code, rec.Body)
		}
		got := decodeAs[cases.Evidence](t, rec)
		if !got.Voided || got.VoidReason != "excerpt belongs to another order" || got.VoidedBy == nil || *got.VoidedBy != sup.user.ID || got.VoidedAt == nil {
			t.Fatalf("voided %+v", got)
		}
		again := decodeAs[cases.Evidence](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d", ev.ID), nil))
		if !again.Voided || again.SHA256 != ev.SHA256 || *again.Text != *ev.Text {
			t.Fatalf("read after void %+v", again)
		}
		if string(contentOf(t, agent, ev.ID)) != *ev.Text {
			t.Fatal("a voided item's content is no longer served")
		}
	})
	t.Run("TwiceIs409", func(t *testing.T) {
		n := evidenceRows(t, e.db)
		wantProblem(t, sup.call(http.MethodPost, voidPath, map[string]string{"reason": "again"}), 409, "")
		sameRows(t, n, evidenceRows(t, e.db))
	})
	t.Run("LedgerVerifiesAndCarriesHashes", func(t *testing.T) {
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil)).Items
		var kinds []cases.EventKind
		for _, x := range evs {
			kinds = append(kinds, x.Kind)
		}
		if len(evs) != 3 || kinds[1] != cases.EventEvidenceAdded || kinds[2] != cases.EventEvidenceVoided {
			t.Fatalf("ledger kinds %v", kinds)
		}
		var added, voided map[string]any
		json.Unmarshal(evs[1].Payload, &added)  //nolint:errcheck
		json.Unmarshal(evs[2].Payload, &voided) //nolint:errcheck
		if added["sha256"] != ev.SHA256 || added["kind"] != "chat_excerpt" || added["evidence_id"] != float64(ev.ID) {
			t.Fatalf("evidence_added payload %v", added)
		}
		if voided["evidence_id"] != float64(ev.ID) || voided["reason"] != "excerpt belongs to another order" || voided["sha256"] != ev.SHA256 ||
			*evs[2].ActorID != sup.user.ID {
			t.Fatalf("evidence_voided payload %v", voided)
		}
		v := decodeAs[cases.Verification](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events/verify", c.ID), nil))
		if !v.OK || v.Events != 3 || v.BrokenAt != nil {
			t.Fatalf("verify %+v", v)
		}
	})
}

// TestApologySkipSeesEvidence walks the skip of the apology (listen →
// remedy for suspected abuse) against real evidence.
func TestApologySkipSeesEvidence(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	skip := map[string]any{"to": "remedy", "account": "买家称少件，但已本人签收", "root_cause": "suspected_abuse",
		"skip_apology_reason": "签收单证明货物完好，买家以差评索要退款"}
	inListen := func(t *testing.T) (cases.Case, string) {
		t.Helper()
		c := evidenceCase(t, agent)
		tag := `"v1"`
		rec := agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID),
			map[string]any{"to": "listen", "first_response": "您好，我们马上核实。"}, "If-Match", tag)
		if rec.Code != 200 {
			t.Fatalf("to listen: %d %s", rec.Code, rec.Body)
		}
		return decodeAs[cases.Case](t, rec), rec.Header().Get("ETag")
	}
	move := func(c cases.Case, tag string) *httptest.ResponseRecorder {
		return agent.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/transitions", c.ID), skip, "If-Match", tag)
	}
	t.Run("WithChatExcerptSkips", func(t *testing.T) {
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 不全额退款就给差评\n[10:02] 客服: 亲，我们核实一下"})
		rec := move(c, tag)
		if rec.Code != 200 || decodeAs[cases.Case](t, rec).State != cases.StateRemedy {
			t.Fatalf("skip with a chat excerpt: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("WithQianniuSubAccountExcerptSkips", func(t *testing.T) {
		// The seller's sub-account "店铺:客服" once glued the shop's words
		// onto the buyer's; now the buyer's line is the buyer's.
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt",
			"text": "旗舰店:小美 2026-11-20 10:01:02\n亲，您好\ntb_buyer88 2026-11-20 10:01:30\n不退款就差评\n"})
		if rec := move(c, tag); rec.Code != 200 {
			t.Fatalf("skip with a Qianniu excerpt: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("WithOnlyShopLinesIs422", func(t *testing.T) {
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 客服: 亲，在吗？\n[10:05] 客服: 亲，请问收到货了吗"})
		wantProblem(t, move(c, tag), 422, "evidence")
	})
	t.Run("WithUnrecognisedTextIs422", func(t *testing.T) {
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "买家在电话里说不退款就差评"})
		wantProblem(t, move(c, tag), 422, "evidence")
	})
	t.Run("UnknownSpeakerCountsOnceConfirmedAsBuyer", func(t *testing.T) {
		c, tag := inListen(t)
		text := "[10:01] 小王: 不全额退款就给差评"
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": text})
		wantProblem(t, move(c, tag), 422, "evidence")
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": text, "roles": map[string]string{"小王": "buyer"}})
		if rec := move(c, tag); rec.Code != 200 {
			t.Fatalf("skip with a confirmed buyer line: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("ConfirmationOverridesTheGuess", func(t *testing.T) {
		// The agent says 小王 is the shop's: no buyer line is left.
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 不全额退款就给差评\n[10:02] 客服: 好的",
			"roles": map[string]string{"小王": "shop", "客服": "shop"}})
		wantProblem(t, move(c, tag), 422, "evidence")
	})
	t.Run("WithDeliverySignatureSkips", func(t *testing.T) {
		c, tag := inListen(t)
		agent.addEvidence(c.ID, map[string]any{"kind": "delivery_signature", "courier": "顺丰", "waybill": "SF1",
			"signed_by": "本人", "signed_at": "2026-01-01T10:00:00+08:00"})
		if rec := move(c, tag); rec.Code != 200 {
			t.Fatalf("skip with a signature: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("WithoutEvidenceIs422", func(t *testing.T) {
		c, tag := inListen(t)
		created201(t, agent.upload(c.ID, field("kind", "photo"), filePart("a.jpg", fileOf(jpegMagic, 1000, 1)))) // a photo does not count
		wantProblem(t, move(c, tag), 422, "evidence")
	})
	t.Run("WithOnlyAVoidedChatExcerptIs422", func(t *testing.T) {
		c, tag := inListen(t)
		ev := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 退款", "roles": map[string]string{"小王": "buyer"}})
		if rec := sup.call(http.MethodPost, fmt.Sprintf("/api/v1/evidence/%d/void", ev.ID), map[string]string{"reason": "wrong buyer"}); rec.Code != 200 {
			t.Fatalf("void: %d %s", rec.Code, rec.Body)
		}
		wantProblem(t, move(c, tag), 422, "evidence")
		if got := decodeAs[cases.Case](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", c.ID), nil)); got.State != cases.StateListen {
			t.Fatalf("refused skip moved the case to %s", got.State)
		}
	})
}

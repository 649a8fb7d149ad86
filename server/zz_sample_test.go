package server_test

import (
	"fmt"
	"net/http"
	"testing"

	"redress/cases"
)

func TestZZSample(t *testing.T) {
	e := newEnv(t)
	a := e.caller(cases.RoleAgent)
	c := evidenceCase(t, a)
	rec := a.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), map[string]any{"kind": "delivery_signature", "courier": "顺丰", "waybill": "SF1", "signed_by": "本人", "signed_at": "2026-01-01T10:00:00+08:00"})
	fmt.Println(rec.Code, rec.Body)
	rec = a.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), map[string]any{"kind": "chat_excerpt", "text": "hello"})
	fmt.Println(rec.Code, rec.Body)
	rec = a.upload(c.ID, field("kind", "photo"), filePart("a.jpg", fileOf(jpegMagic, 100, 1)))
	fmt.Println(rec.Code, rec.Body)
	rec = a.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil)
	fmt.Println(rec.Code, rec.Body)
	rec = a.call(http.MethodGet, "/api/v1/evidence/1/content", nil)
	fmt.Println(rec.Code, rec.Body, rec.Header())
}

package server_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

func TestEvidenceDownload(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	photo := fileOf(jpegMagic, 700<<10, 7) // three chunks
	ev := created201(t, agent.upload(c.ID, field("kind", "photo"), filePart("破损 \"杯子\".jpg", photo)))
	path := fmt.Sprintf("/api/v1/evidence/%d/content", ev.ID)

	t.Run("Headers", func(t *testing.T) {
		rec := agent.call(http.MethodGet, path, nil)
		h := rec.Header()
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), photo) {
			t.Fatalf("%d, %d bytes", rec.Code, rec.Body.Len())
		}
		if h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("ETag") != `"`+ev.SHA256+`"` || !strings.HasPrefix(h.Get("Cache-Control"), "private") ||
			h.Get("Accept-Ranges") != "bytes" || h.Get("Content-Length") != fmt.Sprint(len(photo)) {
			t.Fatalf("headers %v", h)
		}
		disp, params, err := mime.ParseMediaType(h.Get("Content-Disposition"))
		if err != nil || disp != "attachment" || params["filename"] != "破损 \"杯子\".jpg" {
			t.Fatalf("Content-Disposition %q: %v %v (want filename* to carry the exact name)", h.Get("Content-Disposition"), params, err)
		}
		if !strings.Contains(h.Get("Content-Disposition"), `filename="__ ____.jpg"`) {
			t.Fatalf("ASCII fallback missing or unsafe: %q", h.Get("Content-Disposition"))
		}
	})
	t.Run("RangeAcrossChunksIs206", func(t *testing.T) {
		start, end := 256<<10-100, 2*256<<10+99 // spans all three chunks
		rec := agent.call(http.MethodGet, path, nil, "Range", fmt.Sprintf("bytes=%d-%d", start, end))
		if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), photo[start:end+1]) {
			t.Fatalf("range: %d, %d bytes", rec.Code, rec.Body.Len())
		}
		if want := fmt.Sprintf("bytes %d-%d/%d", start, end, len(photo)); rec.Header().Get("Content-Range") != want {
			t.Fatalf("Content-Range %q, want %q", rec.Header().Get("Content-Range"), want)
		}
	})
	t.Run("SuffixRange", func(t *testing.T) {
		rec := agent.call(http.MethodGet, path, nil, "Range", "bytes=-10")
		if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), photo[len(photo)-10:]) {
			t.Fatalf("suffix range: %d %x", rec.Code, rec.Body.Bytes())
		}
	})
	t.Run("RangeOutsideIs416", func(t *testing.T) {
		rec := agent.call(http.MethodGet, path, nil, "Range", fmt.Sprintf("bytes=%d-", len(photo)+5))
		if rec.Code != http.StatusRequestedRangeNotSatisfiable {
			t.Fatalf("range outside: %d", rec.Code)
		}
	})
	t.Run("IfNoneMatchIs304", func(t *testing.T) {
		rec := agent.call(http.MethodGet, path, nil, "If-None-Match", `"`+ev.SHA256+`"`)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Fatalf("If-None-Match: %d", rec.Code)
		}
	})
	t.Run("ChatExcerptIsItsTextAsPlainText", func(t *testing.T) {
		text := "小王 10:01:02\n杯子碎了\r\n\t（原文）  "
		chat := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": text})
		rec := agent.call(http.MethodGet, fmt.Sprintf("/api/v1/evidence/%d/content", chat.ID), nil)
		if rec.Code != 200 || rec.Body.String() != text || rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" ||
			chat.SHA256 != sha256Hex([]byte(text)) {
			t.Fatalf("chat content %d %q %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
		}
		if d := rec.Header().Get("Content-Disposition"); d != fmt.Sprintf(`attachment; filename="evidence-%d.txt"`, chat.ID) {
			t.Fatalf("chat Content-Disposition %q", d)
		}
	})
	t.Run("OddChatTextIsKeptWholeAndUnparsed", func(t *testing.T) {
		text := "  截图里买家说：\r\n\r\n“不给退款就差评”\n\n（无时间）\t\u00a0"
		chat := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": text})
		if chat.Parsed == nil || *chat.Parsed || chat.Lines == nil || len(*chat.Lines) != 0 || *chat.Text != text {
			t.Fatalf("odd text %+v", chat)
		}
		if got := contentOf(t, agent, chat.ID); string(got) != text || sha256Hex(got) != chat.SHA256 {
			t.Fatalf("odd text content %q", got)
		}
	})
}

func TestEvidencePackVerifies(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	sup := e.caller(cases.RoleSupervisor)
	c := evidenceCase(t, agent)
	chat := agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 不退款就差评", "captured_at": "2026-01-02T10:00:00Z"})
	photo := created201(t, agent.upload(c.ID, field("kind", "photo"), filePart("杯子:破损?.jpg", fileOf(jpegMagic, 300<<10, 1))))
	sig := agent.addEvidence(c.ID, map[string]any{"kind": "delivery_signature", "courier": "顺丰", "waybill": "SF1",
		"signed_by": "本人", "signed_at": "2026-01-01T10:00:00+08:00"})
	if rec := sup.call(http.MethodPost, fmt.Sprintf("/api/v1/evidence/%d/void", photo.ID), map[string]string{"reason": "another order's photo"}); rec.Code != 200 {
		t.Fatalf("void: %d %s", rec.Code, rec.Body)
	}

	rec := agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/evidence.zip", c.ID), nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/zip" ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), `attachment; filename="`+c.Ref+`-evidence.zip"`) {
		t.Fatalf("pack: %d %v", rec.Code, rec.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = b
	}
	var m struct {
		Case struct {
			ID  int64
			Ref string
		}
		Ledger struct {
			Seq  int64
			Head string
		}
		Items []struct {
			ID          int64
			Kind        string
			Path        string
			SHA256      string
			Size        int64
			ContentType string     `json:"content_type"`
			FileName    string     `json:"file_name"`
			CapturedAt  *time.Time `json:"captured_at"`
			AddedAt     time.Time  `json:"added_at"`
			AddedBy     int64      `json:"added_by"`
			Voided      bool
			VoidReason  string `json:"void_reason"`
		}
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if m.Case.ID != c.ID || m.Case.Ref != c.Ref || len(m.Items) != 3 || len(files) != 4 {
		t.Fatalf("manifest %+v with %d files", m, len(files))
	}
	for i, want := range []cases.Evidence{chat, photo, sig} {
		it := m.Items[i]
		b, ok := files[it.Path]
		if !ok {
			t.Fatalf("item %d: %s is not in the zip", it.ID, it.Path)
		}
		if it.ID != want.ID || sha256Hex(b) != it.SHA256 || it.SHA256 != want.SHA256 || int64(len(b)) != it.Size ||
			it.ContentType != want.ContentType || it.AddedBy != agent.user.ID || it.AddedAt.IsZero() {
			t.Fatalf("item %d does not verify: manifest %+v, file hashes to %s (%d bytes)", want.ID, it, sha256Hex(b), len(b))
		}
		if strings.ContainsAny(strings.TrimPrefix(it.Path, "evidence/"), `/\:?`) || !strings.HasPrefix(it.Path, "evidence/") {
			t.Fatalf("unsafe path %q", it.Path)
		}
	}
	if !m.Items[1].Voided || m.Items[1].VoidReason != "another order's photo" || m.Items[0].Voided || m.Items[1].FileName != "杯子:破损?.jpg" {
		t.Fatalf("void marks %+v", m.Items)
	}
	if m.Items[0].CapturedAt == nil || !m.Items[0].CapturedAt.Equal(mustTime("2026-01-02T10:00:00Z")) {
		t.Fatalf("captured_at %v", m.Items[0].CapturedAt)
	}
	v := decodeAs[cases.Verification](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events/verify", c.ID), nil))
	if !v.OK || m.Ledger.Seq != int64(v.Events) || m.Ledger.Head != v.Head || v.Events != 5 {
		t.Fatalf("manifest ledger %+v, verify %+v", m.Ledger, v)
	}
	t.Run("EmptyCase", func(t *testing.T) {
		empty := evidenceCase(t, agent)
		rec := agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/evidence.zip", empty.ID), nil)
		zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
		if err != nil || len(zr.File) != 1 || zr.File[0].Name != "manifest.json" {
			t.Fatalf("empty pack: %v", err)
		}
	})
}

// TestTruncatedUploadStoresNothing sends an upload through a real HTTP
// server and cuts it off in the middle of the file, as a client whose
// connection drops would. The file is spooled before the database is
// touched, so nothing is stored — not even a chunk in a transaction.
func TestTruncatedUploadStoresNothing(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	c := evidenceCase(t, agent)
	before := evidenceRows(t, e.db)
	var uploadsBefore int64
	if err := e.db.Get(&uploadsBefore, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM evidence_upload_seq`); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(e.srv.Handler())
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("kind", "photo") //nolint:errcheck
		w, _ := mw.CreateFormFile("file", "cut.jpg")
		io.Copy(w, streamOf(jpegMagic, 1<<20, 3)) //nolint:errcheck // 4 chunks, then the connection drops
		pw.CloseWithError(errors.New("connection dropped"))
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+fmt.Sprintf("/api/v1/cases/%d/evidence", c.ID), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+agent.token)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Fatalf("a truncated upload got %d", resp.StatusCode)
		}
	}
	ts.Close() // waits for the handler to finish
	sameRows(t, before, evidenceRows(t, e.db))
	var uploadsAfter int64
	if err := e.db.Get(&uploadsAfter, `SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM evidence_upload_seq`); err != nil {
		t.Fatal(err)
	}
	if uploadsAfter != uploadsBefore {
		t.Fatal("a truncated upload reached the database")
	}
	// The handler did run and refuse it (not, say, the gate).
	if !strings.Contains(e.logs.String(), `"route":"/api/v1/cases/:id/evidence","status":400`) {
		t.Fatalf("no refused upload in the request log: %s", e.logs.String())
	}
}

package api

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// packManifest is manifest.json of an evidence pack: what each file in the
// zip is, its hash, and the case's ledger head when the pack was made, so
// that a marketplace can check every file and tie it to the case's ledger.
type packManifest struct {
	Format      string     `json:"format"`
	Case        packCase   `json:"case"`
	GeneratedAt time.Time  `json:"generated_at"`
	Ledger      packLedger `json:"ledger"`
	Items       []packItem `json:"items"`
}

type packCase struct {
	ID  int64  `json:"id"`
	Ref string `json:"ref"`
}

type packLedger struct {
	Seq  int64  `json:"seq"`
	Head string `json:"head"`
}

type packItem struct {
	ID          int64              `json:"id"`
	Kind        cases.EvidenceKind `json:"kind"`
	Path        string             `json:"path"`
	SHA256      string             `json:"sha256"`
	Size        int64              `json:"size"`
	ContentType string             `json:"content_type"`
	FileName    string             `json:"file_name,omitempty"`
	Note        string             `json:"note,omitempty"`
	CapturedAt  *time.Time         `json:"captured_at"`
	AddedAt     time.Time          `json:"added_at"`
	AddedBy     int64              `json:"added_by"`
	Voided      bool               `json:"voided"`
	VoidReason  string             `json:"void_reason,omitempty"`
	VoidedAt    *time.Time         `json:"voided_at,omitempty"`
	VoidedBy    *int64             `json:"voided_by,omitempty"`
	Courier     string             `json:"courier,omitempty"`
	Waybill     string             `json:"waybill,omitempty"`
	SignedBy    string             `json:"signed_by,omitempty"`
	SignedAt    *time.Time         `json:"signed_at,omitempty"`
}

// Pack handles GET /api/v1/cases/{id}/evidence.zip: every item of
// the case, voided ones included and marked so in the manifest, streamed
// into a zip as it is read from the store.
func (h *Evidence) Pack(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := h.store.EvidencePack(ctx, id)
	if err != nil {
		return err
	}
	m := packManifest{Format: "redress-evidence-pack-1", Case: packCase{ID: p.CaseID, Ref: p.CaseRef},
		GeneratedAt: time.Now().UTC().Truncate(time.Second), Ledger: packLedger{Seq: p.LedgerSeq, Head: p.LedgerHead}}
	for _, ev := range p.Items {
		m.Items = append(m.Items, packItem{ID: ev.ID, Kind: ev.Kind, Path: packPath(ev), SHA256: ev.SHA256, Size: ev.Size,
			ContentType: ev.ContentType, FileName: ev.FileName, Note: ev.Note, CapturedAt: ev.CapturedAt,
			AddedAt: ev.AddedAt, AddedBy: ev.AddedBy, Voided: ev.Voided, VoidReason: ev.VoidReason,
			VoidedAt: ev.VoidedAt, VoidedBy: ev.VoidedBy, Courier: ev.Courier, Waybill: ev.Waybill,
			SignedBy: ev.SignedBy, SignedAt: ev.SignedAt})
	}
	if m.Items == nil {
		m.Items = []packItem{}
	}

	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "application/zip")
	hdr.Set(echo.HeaderContentDisposition, attachment(p.CaseRef+"-evidence.zip"))
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set("Cache-Control", "private, no-store")
	c.Response().WriteHeader(http.StatusOK)

	// From here on the status is sent: a failure cuts the zip short (its
	// central directory missing, so no reader takes it for complete) and
	// is logged by the request log.
	zw := zip.NewWriter(c.Response())
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "manifest.json", Method: zip.Deflate, Modified: m.GeneratedAt})
	if err != nil {
		return cases.Internalf(err, "evidence pack")
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return cases.Internalf(err, "evidence pack")
	}
	for i, ev := range p.Items {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.Items[i].Path, Method: zipMethod(ev.ContentType), Modified: ev.AddedAt})
		if err != nil {
			return cases.Internalf(err, "evidence pack")
		}
		if _, err := io.Copy(w, h.store.OpenEvidence(ctx, ev)); err != nil {
			return cases.Internalf(err, "evidence pack: item %d", ev.ID)
		}
	}
	if err := zw.Close(); err != nil {
		return cases.Internalf(err, "evidence pack")
	}
	return nil
}

// packPath is an item's path in the zip: its id and kind, then the
// client's file name made safe for every unzip tool, or an extension.
func packPath(ev cases.Evidence) string {
	base := fmt.Sprintf("evidence/%d-%s", ev.ID, ev.Kind)
	if ev.FileName == "" {
		return base + extension(ev.ContentType)
	}
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"|?*`, r) {
			return '_'
		}
		return r
	}, ev.FileName)
	return base + "-" + name
}

// zipMethod stores already compressed formats and deflates the rest.
func zipMethod(contentType string) uint16 {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/plain" || mt == "application/json" {
		return zip.Deflate
	}
	return zip.Store
}

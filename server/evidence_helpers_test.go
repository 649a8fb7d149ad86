package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// Content that sniffs as each allowed type, and as a Windows executable.
const (
	jpegMagic = "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01"
	pngMagic  = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	gifMagic  = "GIF89a\x01\x00\x01\x00"
	webpMagic = "RIFF\x24\x00\x00\x00WEBPVP8 "
	pdfMagic  = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	exeMagic  = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
)

// noise is a deterministic pseudo-random stream.
type noise struct{ r *rand.Rand }

func newNoise(seed uint64) *noise { return &noise{rand.New(rand.NewPCG(seed, 1))} }

func (n *noise) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(n.r.Uint32())
	}
	return len(p), nil
}

// fileOf returns size bytes starting with magic, the rest noise.
func fileOf(magic string, size int, seed uint64) []byte {
	b := make([]byte, size)
	io.ReadFull(newNoise(seed), b) //nolint:errcheck // noise never fails
	copy(b, magic)
	return b
}

// streamOf is fileOf as a stream, for files too large to hold in a test.
func streamOf(magic string, size int64, seed uint64) io.Reader {
	return io.MultiReader(strings.NewReader(magic), io.LimitReader(newNoise(seed), size-int64(len(magic))))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// part is one part of a multipart upload: a field, or a file when body is set.
type part struct {
	name, value string
	fileName    string
	body        io.Reader
	// disposition, when set, replaces the generated Content-Disposition.
	disposition string
}

func field(name, value string) part { return part{name: name, value: value} }

func filePart(name string, b []byte) part {
	return part{name: "file", fileName: name, body: bytes.NewReader(b)}
}

// multipartBody streams parts through a pipe, so that large files are never
// held in memory; the pipe is closed when the test ends, releasing the
// writer when the server stopped reading early.
func multipartBody(t testing.TB, parts ...part) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		pw.CloseWithError(writeParts(mw, parts))
	}()
	t.Cleanup(func() { pr.Close() })
	return pr, mw.FormDataContentType()
}

func writeParts(mw *multipart.Writer, parts []part) error {
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		switch {
		case p.disposition != "":
			h.Set("Content-Disposition", p.disposition)
		case p.body != nil:
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, p.name, p.fileName))
			h.Set("Content-Type", "application/octet-stream")
		default:
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, p.name))
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if p.body != nil {
			_, err = io.Copy(w, p.body)
		} else {
			_, err = io.WriteString(w, p.value)
		}
		if err != nil {
			return err
		}
	}
	return mw.Close()
}

// upload posts a multipart evidence upload as the caller.
func (c caller) upload(caseID int64, parts ...part) *httptest.ResponseRecorder {
	c.e.t.Helper()
	body, ct := multipartBody(c.e.t, parts...)
	return c.e.do(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", caseID), body,
		"Authorization", "Bearer "+c.token, "Content-Type", ct)
}

// addEvidence posts evidence as JSON and fails the test unless it is created.
func (c caller) addEvidence(caseID int64, body map[string]any) cases.Evidence {
	c.e.t.Helper()
	rec := c.call(http.MethodPost, fmt.Sprintf("/api/v1/cases/%d/evidence", caseID), body)
	if rec.Code != http.StatusCreated {
		c.e.t.Fatalf("add evidence %v: %d %s", body["kind"], rec.Code, rec.Body)
	}
	return decodeAs[cases.Evidence](c.e.t, rec)
}

// evidenceRows counts the rows of every evidence table and of the ledger.
func evidenceRows(t testing.TB, db *sqlx.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range []string{"evidence", "evidence_blobs", "evidence_chunks", "evidence_voids", "case_events"} {
		var n int
		if err := db.Get(&n, `SELECT count(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameRows(t testing.TB, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("%s: %d rows, was %d (all: before %v, after %v)", k, after[k], v, before, after)
		}
	}
}

var evidenceCaseSeq atomic.Int64

// evidenceCase creates a case with an external id of its own, so that a
// test may create several.
func evidenceCase(t *testing.T, c caller) cases.Case {
	t.Helper()
	body := newCaseBody()
	body["external_id"] = fmt.Sprintf("EV-%d", evidenceCaseSeq.Add(1))
	rec := c.call(http.MethodPost, "/api/v1/cases", body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create case: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.Case](t, rec)
}

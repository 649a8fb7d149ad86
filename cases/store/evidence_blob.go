package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// chunkSize is the size of the rows a file's content is stored in: large
// enough that a 20 MiB file is 80 inserts, small enough that a range
// request reads little more than it sends.
const chunkSize = 256 << 10

// storedFile is an uploaded file written into a transaction.
type storedFile struct {
	sha256      string
	size        int64
	contentType string
}

// writeBlobTx streams r into tx in chunks, hashing it and sniffing its
// content type from its first bytes, and refuses it as soon as it exceeds
// max bytes. The chunks are written under a fresh upload id; when a blob
// with the same SHA-256 exists already (or a concurrent upload stores one
// first) they are discarded by rolling back to a savepoint, and the
// existing blob is used: identical content is stored once. Errors from r
// that are *Error pass through, so that the caller's reader can say why it
// stopped (a body over the request limit); others mean the upload was cut.
func writeBlobTx(ctx context.Context, tx *sqlx.Tx, r io.Reader, max int64) (storedFile, error) {
	var upload int64
	if err := tx.GetContext(ctx, &upload, `SELECT nextval('evidence_upload_seq')`); err != nil {
		return storedFile{}, formatError(err, "evidence file")
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT evidence_upload`); err != nil {
		return storedFile{}, formatError(err, "evidence file")
	}
	var f storedFile
	h := sha256.New()
	buf := make([]byte, chunkSize)
	for n := 0; ; n++ {
		k, rerr := fill(r, buf)
		if k > 0 {
			if n == 0 {
				f.contentType = http.DetectContentType(buf[:k])
				if !cases.AllowedContentType(f.contentType) {
					return storedFile{}, &cases.Error{Code: cases.Unsupported, Field: "file",
						Message: fmt.Sprintf("the file's content is %s; evidence files must be JPEG, PNG, WebP or GIF images, PDF or plain text", f.contentType)}
				}
			}
			if f.size += int64(k); f.size > max {
				return storedFile{}, &cases.Error{Code: cases.TooLarge, Field: "file",
					Message: fmt.Sprintf("the file is larger than the limit of %s", byteCount(max))}
			}
			h.Write(buf[:k])
			if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_chunks (upload_id, n, data) VALUES ($1, $2, $3)`,
				upload, n, buf[:k]); err != nil {
				return storedFile{}, formatError(err, "evidence file")
			}
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			var de *cases.Error
			if errors.As(rerr, &de) {
				return storedFile{}, de
			}
			if ctx.Err() != nil {
				return storedFile{}, formatError(ctx.Err(), "evidence file")
			}
			return storedFile{}, &cases.Error{Code: cases.Malformed, Field: "file", Message: "the upload was cut off before the end of the file", Err: rerr}
		}
	}
	if f.size == 0 {
		return storedFile{}, cases.FieldError("file", "the file is empty")
	}
	f.sha256 = hex.EncodeToString(h.Sum(nil))
	res, err := tx.ExecContext(ctx, `INSERT INTO evidence_blobs (sha256, size, content_type, chunk_size, upload_id)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING`, f.sha256, f.size, f.contentType, chunkSize, upload)
	if err != nil {
		return storedFile{}, formatError(err, "evidence file")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Stored already: keep the existing chunks, drop ours. The content
		// type was sniffed from the same bytes, so it is the same.
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT evidence_upload`); err != nil {
			return storedFile{}, formatError(err, "evidence file")
		}
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT evidence_upload`); err != nil {
		return storedFile{}, formatError(err, "evidence file")
	}
	return f, nil
}

// fill reads from r until buf is full or r ends; io.EOF means r ended,
// whether or not buf holds the last bytes.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		k, err := r.Read(buf[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func byteCount(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// blobReader reads a stored file chunk by chunk, fetching only the chunks
// that reads reach, so that a range request for the end of a large file
// reads one or two rows.
type blobReader struct {
	ctx    context.Context
	db     sqlx.QueryerContext
	upload int64
	chunk  int64
	size   int64
	off    int64
	buf    []byte
	bufN   int64
}

func newBlobReader(ctx context.Context, db sqlx.QueryerContext, c cases.EvidenceContent, size int64) *blobReader {
	return &blobReader{ctx: ctx, db: db, upload: c.UploadID, chunk: int64(c.ChunkSize), size: size, bufN: -1}
}

// Read implements io.Reader.
func (r *blobReader) Read(p []byte) (int, error) {
	if r.off >= r.size {
		return 0, io.EOF
	}
	n := r.off / r.chunk
	if n != r.bufN {
		var data []byte
		err := sqlx.GetContext(r.ctx, r.db, &data, `SELECT data FROM evidence_chunks WHERE upload_id = $1 AND n = $2`, r.upload, n)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, cases.Internalf(io.ErrUnexpectedEOF, "evidence content: chunk %d of upload %d is missing", n, r.upload)
		}
		if err != nil {
			return 0, formatError(err, "evidence content")
		}
		r.buf, r.bufN = data, n
	}
	start := r.off - n*r.chunk
	if start >= int64(len(r.buf)) {
		return 0, cases.Internalf(io.ErrUnexpectedEOF, "evidence content: chunk %d of upload %d is short", n, r.upload)
	}
	k := copy(p, r.buf[start:])
	r.off += int64(k)
	return k, nil
}

// Seek implements io.Seeker.
func (r *blobReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	default:
		return 0, errors.New("evidence content: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("evidence content: negative position")
	}
	r.off = offset
	return offset, nil
}

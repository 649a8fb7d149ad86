package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

// jpegOf returns n bytes that sniff as JPEG, the rest pseudo-random.
func jpegOf(n int, seed uint64) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	copy(b, "\xFF\xD8\xFF\xE0\x00\x10JFIF\x00")
	return b
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// evidenceCounts counts the rows of every evidence table and the ledger.
func evidenceCounts(t *testing.T, db *sqlx.DB) map[string]int {
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

// upload adds a photo with content b through a draft.
func upload(ctx context.Context, s *store.Store, caseID int64, b []byte) (cases.Evidence, error) {
	d, err := s.BeginEvidence(ctx, caseID)
	if err != nil {
		return cases.Evidence{}, err
	}
	defer d.Rollback()
	if err := d.WriteFile(ctx, bytes.NewReader(b), 20<<20); err != nil {
		return cases.Evidence{}, err
	}
	return d.Commit(ctx, cases.EvidenceInput{Kind: cases.EvidencePhoto, FileName: "cup.jpg"})
}

func TestEvidenceTablesRefuseUpdateAndDelete(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	sup := addUser(t, db, cases.RoleSupervisor)
	c := newCase(t, s, agent)
	chat, err := s.AddEvidence(as(agent), c.ID, cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: "[10:01] 小王: 不退款就差评"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := upload(as(agent), s, c.ID, jpegOf(300<<10, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VoidEvidence(as(sup), chat.ID, "duplicate of the signed receipt"); err != nil {
		t.Fatal(err)
	}
	before := evidenceCounts(t, db)
	if before["evidence_chunks"] != 2 || before["evidence_voids"] != 1 {
		t.Fatalf("arranged rows %v", before)
	}
	for _, stmt := range []string{
		`UPDATE evidence SET note = 'edited'`,
		`UPDATE evidence SET body = 'changed' WHERE kind = 'chat_excerpt'`,
		`DELETE FROM evidence`,
		`TRUNCATE evidence CASCADE`,
		`UPDATE evidence_blobs SET content_type = 'text/html'`,
		`DELETE FROM evidence_blobs`,
		`TRUNCATE evidence_blobs CASCADE`,
		`UPDATE evidence_chunks SET data = '\x00'`,
		`DELETE FROM evidence_chunks`,
		`TRUNCATE evidence_chunks`,
		`UPDATE evidence_voids SET reason = 'never mind'`,
		`DELETE FROM evidence_voids`,
		`TRUNCATE evidence_voids`,
	} {
		t.Run(stmt, func(t *testing.T) {
			_, err := db.Exec(stmt)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("%s: err %v, want the append-only refusal", stmt, err)
			}
		})
	}
	if after := evidenceCounts(t, db); !equalCounts(before, after) {
		t.Fatalf("rows changed: before %v after %v", before, after)
	}
	got, err := s.GetEvidence(context.Background(), chat.ID)
	if err != nil || *got.Text != *chat.Text || got.Note != "" || !got.Voided {
		t.Fatalf("chat excerpt after the refused statements: %+v %v", got, err)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestEvidenceContentReadsBackAcrossChunks(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	data := jpegOf(2*256<<10+1234, 2) // two full chunks and a short one
	ev, err := upload(as(agent), s, c.ID, data)
	if err != nil {
		t.Fatal(err)
	}
	if ev.SHA256 != hexSHA(data) || ev.Size != int64(len(data)) || ev.ContentType != "image/jpeg" {
		t.Fatalf("stored %+v", ev)
	}
	r := s.OpenEvidence(context.Background(), ev)
	all, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(all, data) {
		t.Fatalf("read back %d bytes, err %v; want the %d bytes written", len(all), err, len(data))
	}
	for _, off := range []int64{0, 256<<10 - 3, 256 << 10, int64(len(data)) - 10} {
		if _, err := r.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		if _, err := io.ReadFull(r, buf); err != nil || !bytes.Equal(buf, data[off:off+10]) {
			t.Fatalf("at %d: %x, %v; want %x", off, buf, err, data[off:off+10])
		}
	}
}

func TestDraftRolledBackStoresNothing(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	before := evidenceCounts(t, db)
	d, err := s.BeginEvidence(as(agent), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile(as(agent), bytes.NewReader(jpegOf(600<<10, 3)), 20<<20); err != nil {
		t.Fatal(err)
	}
	d.Rollback()
	if after := evidenceCounts(t, db); !equalCounts(before, after) {
		t.Fatalf("rows after rollback %v, want %v", after, before)
	}
}

// TestConcurrentIdenticalUploads makes a second upload of the same bytes
// reach the blob while the first holds it uncommitted: the second waits,
// then either finds the blob (first committed) or stores it (first rolled
// back). Both ways one blob and one set of chunks remain.
func TestConcurrentIdenticalUploads(t *testing.T) {
	for _, firstCommits := range []bool{true, false} {
		name := "FirstCommits"
		if !firstCommits {
			name = "FirstRollsBack"
		}
		t.Run(name, func(t *testing.T) {
			db := testdb.New(t)
			s := store.New(db)
			agent := addUser(t, db, cases.RoleAgent)
			c := newCase(t, s, agent)
			data := jpegOf(700<<10, 4)
			ctx := as(agent)

			first, err := s.BeginEvidence(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer first.Rollback()
			if err := first.WriteFile(ctx, bytes.NewReader(data), 20<<20); err != nil {
				t.Fatal(err)
			}
			second := make(chan error, 1)
			go func() {
				_, err := upload(ctx, s, c.ID, data)
				second <- err
			}()
			waitForLockWait(t, db)
			want := 1
			if firstCommits {
				if _, err := first.Commit(ctx, cases.EvidenceInput{Kind: cases.EvidencePhoto}); err != nil {
					t.Fatal(err)
				}
				want = 2
			} else {
				first.Rollback()
			}
			if err := <-second; err != nil {
				t.Fatalf("second upload: %v", err)
			}
			n := evidenceCounts(t, db)
			var uploads int
			if err := db.Get(&uploads, `SELECT count(DISTINCT upload_id) FROM evidence_chunks`); err != nil {
				t.Fatal(err)
			}
			if n["evidence"] != want || n["evidence_blobs"] != 1 || n["evidence_chunks"] != 3 || uploads != 1 {
				t.Fatalf("rows %v, chunk uploads %d; want %d items on one blob of 3 chunks", n, uploads, want)
			}
			v, err := s.Verify(context.Background(), c.ID, false)
			if err != nil || !v.OK || v.Events != 1+want {
				t.Fatalf("ledger %+v %v", v, err)
			}
		})
	}
}

// waitForLockWait returns once a session of db's database waits on a lock.
func waitForLockWait(t *testing.T, db *sqlx.DB) {
	t.Helper()
	for range 10000 {
		var waiting bool
		err := db.Get(&waiting, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock')`)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			return
		}
	}
	t.Fatal("the second upload never waited for the first")
}

// TestVerifyEvidenceFindsRewrittenBytes: a superuser who turns the triggers
// off and rewrites stored bytes (a file's chunk, a chat excerpt's text)
// leaves the ledger intact, so only hashing the bytes again shows it; the
// check names exactly the items rewritten.
func TestVerifyEvidenceFindsRewrittenBytes(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	chat, err := s.AddEvidence(as(agent), c.ID, cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: "[10:01] 小王: 不退款就差评"})
	if err != nil {
		t.Fatal(err)
	}
	photo, err := upload(as(agent), s, c.ID, jpegOf(300<<10, 7))
	if err != nil {
		t.Fatal(err)
	}
	kept, err := upload(as(agent), s, c.ID, jpegOf(10<<10, 8))
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.Verify(context.Background(), c.ID, true)
	if err != nil || !v.OK || v.EvidenceChecked == nil || *v.EvidenceChecked != 3 {
		t.Fatalf("untouched: %+v %v", v, err)
	}
	for _, stmt := range []string{
		`ALTER TABLE evidence_chunks DISABLE TRIGGER USER`,
		`UPDATE evidence_chunks SET data = overlay(data placing '\xdeadbeef'::bytea from 100 for 4)
		  WHERE n = 1 AND upload_id = (SELECT upload_id FROM evidence_blobs WHERE sha256 = '` + photo.SHA256 + `')`,
		`ALTER TABLE evidence_chunks ENABLE TRIGGER USER`,
		`ALTER TABLE evidence DISABLE TRIGGER USER`,
		`UPDATE evidence SET body = replace(body, '差评', '好评') WHERE id = ` + strconv.FormatInt(chat.ID, 10),
		`ALTER TABLE evidence ENABLE TRIGGER USER`,
	} {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	v, err = s.Verify(context.Background(), c.ID, false)
	if err != nil || !v.OK {
		t.Fatalf("the chain alone cannot see rewritten bytes, and must still verify: %+v %v", v, err)
	}
	v, err = s.Verify(context.Background(), c.ID, true)
	if err != nil || v.OK {
		t.Fatalf("rewritten bytes verified: %+v %v", v, err)
	}
	got := map[int64]bool{}
	for _, m := range v.EvidenceBroken {
		got[m.EvidenceID] = true
		if m.Recorded == m.Stored || m.Reason == "" {
			t.Errorf("mismatch %+v", m)
		}
	}
	if len(got) != 2 || !got[chat.ID] || !got[photo.ID] || got[kept.ID] {
		t.Fatalf("broken items %v, want exactly the chat %d and the photo %d", v.EvidenceBroken, chat.ID, photo.ID)
	}
	checked, broken, err := s.VerifyAll(context.Background(), true, func(cases.Verification) {})
	if err != nil || checked != 1 || broken != 1 {
		t.Fatalf("VerifyAll: %d checked, %d broken, %v", checked, broken, err)
	}
}

// TestChatParseIsAView: a chat excerpt's lines come from its stored text on
// every read, in the store's zone, with the roles the agent confirmed; the
// parse stored beside it (the one shown when it was saved) is not what is
// read back, so a better parser improves old excerpts.
func TestChatParseIsAView(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	s.SetLocation(shanghai)
	agent := addUser(t, db, cases.RoleAgent)
	c := newCase(t, s, agent)
	text := "旗舰店:小美 2026-11-20 10:01:02\n亲，您好\n小王 2026-11-20 10:01:30\n不退款就差评\n"
	ev, err := s.AddEvidence(as(agent), c.ID, cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: text,
		Roles: cases.ChatRoles{"小王": "buyer"}})
	if err != nil {
		t.Fatal(err)
	}
	// An excerpt saved by an older parser that could not read it.
	var old int64
	if err := db.Get(&old, `INSERT INTO evidence (case_id, kind, sha256, size, content_type, body, parsed, lines, added_by)
		SELECT case_id, kind, sha256, size, content_type, body, false, '[]', added_by FROM evidence WHERE id = $1 RETURNING id`, ev.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetEvidence(context.Background(), old)
	if err != nil {
		t.Fatal(err)
	}
	if got.Parsed == nil || !*got.Parsed || got.Lines == nil || len(*got.Lines) != 2 {
		t.Fatalf("old excerpt read as %+v", got)
	}
	l := (*got.Lines)[1]
	if l.Speaker != "小王" || l.Role != "buyer" || l.At != "2026-11-20 10:01:30" || l.AtTime == nil ||
		!l.AtTime.Equal(time.Date(2026, 11, 20, 10, 1, 30, 0, shanghai)) {
		t.Fatalf("old excerpt's buyer line %+v", l)
	}
	if !got.BacksAbuse() {
		t.Error("the old excerpt's buyer line (the shop's sub-account beside one other speaker) does not back abuse")
	}
	if l := (*ev.Lines)[1]; l.Role != "buyer" || !ev.BacksAbuse() {
		t.Errorf("confirmed excerpt's line %+v", l)
	}
	var roles string
	if err := db.Get(&roles, `SELECT roles::text FROM evidence WHERE id = $1`, ev.ID); err != nil || roles != `{"小王": "buyer"}` {
		t.Errorf("stored roles %q, %v", roles, err)
	}
}

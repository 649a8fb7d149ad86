package store

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// searchCommonFreq is the share of cases above which a search term is
// common: a search whose every term is that common is read in list order
// straight away (searchQuery), without first counting its matches, since
// a page fills after some limit/searchCommonFreq rows. (At a million cases
// the count alone read 5,000 heap rows for 客服, 29% of cases.)
const searchCommonFreq = 0.05

// termStats are the words index's own statistics: the search column's most
// common terms and the share of cases holding each, as ANALYZE sampled
// them (pg_stats.most_common_elems), refreshed every few minutes.
type termStats struct {
	db     *sqlx.DB
	mu     sync.Mutex
	freqs  map[string]float64
	loaded time.Time
}

const termStatsTTL = 5 * time.Minute

// holds returns whether every term of a tsquery is in the statistics with
// at least a share of cases. Prefix terms (:*) never are.
func (ts *termStats) holds(ctx context.Context) func(tsq string, min float64) bool {
	return func(tsq string, min float64) bool { return ts.common(ctx, tsq, min) }
}

// common reports whether every term of the tsquery tsq is in the
// statistics with at least share min. Prefix terms (:*) never are.
func (ts *termStats) common(ctx context.Context, tsq string, min float64) bool {
	freqs := ts.get(ctx)
	if len(freqs) == 0 {
		return false
	}
	for _, t := range strings.Split(tsq, " & ") {
		if !strings.HasPrefix(t, "'") || !strings.HasSuffix(t, "'") {
			return false
		}
		if freqs[strings.Trim(t, "'")] < min {
			return false
		}
	}
	return true
}

func (ts *termStats) get(ctx context.Context) map[string]float64 {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.freqs != nil && time.Since(ts.loaded) < termStatsTTL {
		return ts.freqs
	}
	var elems []string
	var freqs []float64
	row := ts.db.QueryRowContext(ctx, `SELECT most_common_elems::text::text[], most_common_elem_freqs::float8[]
		FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'cases' AND attname = 'search'`)
	err := row.Scan(pq.Array(&elems), pq.Array(&freqs))
	m := map[string]float64{}
	if err == nil {
		for i, e := range elems {
			if i < len(freqs) {
				m[e] = freqs[i]
			}
		}
	}
	// Without statistics (a fresh database, or an error) every search counts
	// its matches first: slower for common words, never wrong. Try again
	// after the same interval.
	ts.freqs, ts.loaded = m, time.Now()
	return m
}

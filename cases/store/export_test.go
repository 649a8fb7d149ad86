package store

import "context"

// SetSearchFewMax sets where s's searches change strategy (searchQuery),
// so that a test reaches both with a few dozen cases.
func SetSearchFewMax(s *Store, n int) { s.fewMax = n }

// SetSearchProbeRows sets how many cases an in-order probe reads
// (probeStatement), so that a test reaches a probe that falls short.
func SetSearchProbeRows(s *Store, n int) { s.probeRows = n }

// SetSearchCommonFreq sets the share of cases above which s reads a
// search's terms as common (searchCommonFreq).
func SetSearchCommonFreq(s *Store, f float64) { s.common = f }

// CommonQuery is s.terms.common: whether a search reads its words in order
// straight away.
func CommonQuery(s *Store, tsq string) bool {
	return s.terms.common(context.Background(), tsq, s.common)
}

package store

// SetSearchFewMax sets where s's searches change strategy (searchQuery),
// so that a test reaches both with a few dozen cases.
func SetSearchFewMax(s *Store, n int) { s.fewMax = n }

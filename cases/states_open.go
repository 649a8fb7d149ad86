package cases

// OpenStates lists the states of a case still being handled, in protocol
// order.
func OpenStates() []State {
	var open []State
	for _, st := range States() {
		if st.Open() {
			open = append(open, st)
		}
	}
	return open
}

package tone

import (
	_ "embed"
	"fmt"
)

// defaultRules is the rule set Redress ships with. Policy rules cite their
// source in the "source" field.
//
//go:embed rules.json
var defaultRules []byte

// DefaultRules returns a fresh copy of the shipped rules. The embedded file
// is checked by the tests; a broken one is a build defect, so it panics.
func DefaultRules() []Rule {
	rules, err := ParseRules(defaultRules)
	if err != nil {
		panic(fmt.Sprintf("tone: embedded rules.json: %v", err))
	}
	return rules
}

// Default compiles the shipped rules.
func Default() *Checker {
	c, err := Compile(DefaultRules())
	if err != nil {
		panic(fmt.Sprintf("tone: embedded rules.json: %v", err))
	}
	return c
}

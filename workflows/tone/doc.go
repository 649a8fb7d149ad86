// Package tone checks texts sent to buyers for wording teams train agents to
// avoid: absolute promises, dismissive or curt replies, blame, and remedies
// tied to a review. Its rules are data (rules.json, or rules an admin adds),
// matched against a normalised view of the text so that spacing, full-width
// digits and similar disguises do not hide a hit; warnings carry byte offsets
// into the original text.
package tone

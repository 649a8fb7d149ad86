# Renames for callers of the stores that moved from package cases to
# package store (import "redress/cases/store"). Apply with
#   sed -i -f renames.sed FILE.go && goimports -local redress -w FILE.go
# (GNU sed; \b is a word boundary). See RENAMES.md for what is not a rename.
s/\bcases\.NewStore\b/store.New/g
s/\bcases\.Store\b/store.Store/g
s/\bcases\.NewPeople\b/store.NewPeople/g
s/\bcases\.People\b/store.People/g
s/\bcases\.NewWebhooks\b/store.NewWebhooks/g
s/\bcases\.Webhooks\b/store.Webhooks/g
s/\bcases\.NewReminders\b/store.NewReminders/g
s/\bcases\.Reminders\b/store.Reminders/g
s/\bcases\.NewNotifications\b/store.NewNotifications/g
s/\bcases\.Notifications\b/store.Notifications/g
s/\bcases\.EvidenceDraft\b/store.EvidenceDraft/g
s/\bcases\.Open\b/store.Open/g
s/\bcases\.SearchTerms\b/store.SearchTerms/g
s/\bcases\.SearchDocument\b/store.SearchDocument/g
s/\bcases\.SearchQuery\b/store.SearchQuery/g
s/\bcases\.AccountKey\b/store.AccountKey/g
s/\bcases\.AddressKey\b/store.AddressKey/g

-- +goose Up
-- Every case list says whether the buyer has another case flagged as
-- suspected abuse (buyer_flagged_abuse): one EXISTS per row of the page.
-- cases_buyer_idx made each probe read all of the buyer's cases; this
-- index holds only the flagged ones, so that a probe reads a row or none
-- however many cases the buyer has.
CREATE INDEX cases_abuse_buyer_idx ON cases (platform, buyer_handle)
    WHERE buyer_handle <> '' AND (suspected_abuse OR root_cause = 'suspected_abuse');

-- +goose Down
DROP INDEX cases_abuse_buyer_idx;

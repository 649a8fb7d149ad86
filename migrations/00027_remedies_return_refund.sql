-- +goose Up
-- The desk's remedy records take the return_refund remedy too (the intake
-- added it to cases; the two landed side by side).
ALTER TABLE remedies DROP CONSTRAINT remedies_type_check;
ALTER TABLE remedies ADD CONSTRAINT remedies_type_check CHECK (type IN
    ('refund','partial_refund','reship','replace','coupon','gift','explanation','return_refund'));

-- +goose Down
ALTER TABLE remedies DROP CONSTRAINT remedies_type_check;
ALTER TABLE remedies ADD CONSTRAINT remedies_type_check CHECK (type IN
    ('refund','partial_refund','reship','replace','coupon','gift','explanation'));

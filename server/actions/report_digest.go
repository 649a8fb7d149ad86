package actions

import (
	"context"
	"encoding/json"
	"net/url"
	"time"

	"redress/cases"
	"redress/cases/store"
)

// DigestWords are the catalogue's words a scheduled summary is written in.
type DigestWords interface {
	T(lang cases.Language, key string, args ...any) string
}

// ReportDigests sends the scheduled summaries: a day's or a week's report
// to the webhooks subscribed to report_daily or report_weekly, in each
// webhook's language.
type ReportDigests struct {
	reports *Reports
	hooks   *store.Webhooks
	words   DigestWords
	base    string // REDRESS_BASE_URL, for the links to the report pages
}

// NewReportDigests returns the scheduled summaries of reports, queued to
// hooks, worded by words, linking to pages under base.
func NewReportDigests(reports *Reports, hooks *store.Webhooks, words DigestWords, base string) *ReportDigests {
	return &ReportDigests{reports: reports, hooks: hooks, words: words, base: base}
}

// Send computes the summary event names for the period before now (the
// day before, or the week before) and queues it to every subscribed
// webhook, unless that period's summary was sent already: any number of
// instances may run it at once, the summary goes out once.
func (d *ReportDigests) Send(ctx context.Context, event cases.EventKind, now time.Time) (cases.DigestResult, error) {
	loc := d.reports.loc
	from, to, err := cases.DigestPeriod(event, now, loc)
	if err != nil {
		return cases.DigestResult{}, err
	}
	rep, err := d.reports.summary(ctx, cases.ReportQuery{From: from, To: to, GroupBy: cases.GroupAgent, Location: loc})
	if err != nil {
		return cases.DigestResult{}, err
	}
	digest := cases.ReportDigest{Event: event, From: from, To: to, Texts: map[cases.Language]cases.DigestText{}}
	for _, lang := range cases.Languages() {
		text, err := d.text(event, rep, from, to, lang)
		if err != nil {
			return cases.DigestResult{}, err
		}
		digest.Texts[lang] = text
	}
	return d.hooks.QueueDigest(ctx, digest, now)
}

// text is the summary in one language: a short text with the link to
// its page for robots, and for json webhooks the figures too.
func (d *ReportDigests) text(event cases.EventKind, rep cases.Report, from, to time.Time, lang cases.Language) (cases.DigestText, error) {
	first, last := from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly)
	tot := rep.Totals()
	var link, msg string
	args := []any{"opened", tot.Opened, "closed", tot.Closed, "breaches", tot.SLABreaches,
		"misses", tot.PlatformDeadlineMisses, "remedies", tot.RemediesApplied, "reopened", tot.Reopened}
	if event == cases.EventReportDaily {
		link = d.base + "/reports/daily?" + url.Values{"date": {first}}.Encode()
		msg = d.words.T(lang, "digest.daily", append([]any{"date", first}, args...)...)
	} else {
		link = d.base + "/reports?" + url.Values{"period": {"custom"}, "from": {first}, "to": {last}}.Encode()
		msg = d.words.T(lang, "digest.weekly", append([]any{"from", first, "to", last}, args...)...)
	}
	msg += "\n" + link
	payload, err := json.Marshal(map[string]any{
		"event":              string(event),
		"definition_version": cases.ReportDefinitionVersion,
		"period":             map[string]string{"from": first, "to": last, "tz": rep.TimeZone},
		"url":                link,
		"message":            msg,
		"totals":             tot,
		"report":             rep,
	})
	if err != nil {
		return cases.DigestText{}, cases.Internalf(err, "encode report digest")
	}
	return cases.DigestText{Payload: payload, Message: msg}, nil
}

package cases_test

import (
	"errors"
	"strings"
	"testing"

	"redress/cases"
)

func TestWebhookInputValidation(t *testing.T) {
	good := cases.WebhookInput{Name: "值班群", URL: "https://oapi.dingtalk.com/robot/send?access_token=abc", Format: cases.FormatDingTalk}
	w, err := good.Webhook()
	if err != nil {
		t.Fatal(err)
	}
	if !w.Active || w.Language != cases.LanguageChinese || len(w.Events) != 2 || w.HasSecret {
		t.Fatalf("defaults: %+v", w)
	}
	tests := []struct {
		name  string
		edit  func(*cases.WebhookInput)
		field string
	}{
		{"NameMissing", func(in *cases.WebhookInput) { in.Name = "  " }, "name"},
		{"NameTooLong", func(in *cases.WebhookInput) { in.Name = strings.Repeat("名", 101) }, "name"},
		{"URLMissing", func(in *cases.WebhookInput) { in.URL = "" }, "url"},
		{"URLNotHTTP", func(in *cases.WebhookInput) { in.URL = "ftp://example.com/x" }, "url"},
		{"URLFile", func(in *cases.WebhookInput) { in.URL = "file:///etc/passwd" }, "url"},
		{"URLRelative", func(in *cases.WebhookInput) { in.URL = "/hooks/x" }, "url"},
		{"URLWithCredentials", func(in *cases.WebhookInput) { in.URL = "https://u:p@example.com/x" }, "url"},
		{"URLTooLong", func(in *cases.WebhookInput) { in.URL = "https://example.com/" + strings.Repeat("a", 2000) }, "url"},
		{"UnknownFormat", func(in *cases.WebhookInput) { in.Format = "teams" }, "format"},
		{"FormatMissing", func(in *cases.WebhookInput) { in.Format = "" }, "format"},
		{"JSONWithoutSecret", func(in *cases.WebhookInput) { in.Format = cases.FormatJSON }, "secret"},
		{"JSONShortSecret", func(in *cases.WebhookInput) { in.Format, in.Secret = cases.FormatJSON, "short" }, "secret"},
		{"WeComWithSecret", func(in *cases.WebhookInput) { in.Format, in.Secret = cases.FormatWeCom, "0123456789abcdef" }, "secret"},
		{"SecretWithSpaces", func(in *cases.WebhookInput) { in.Secret = " SECabc " }, "secret"},
		{"NoEvents", func(in *cases.WebhookInput) { in.Events = []cases.EventKind{} }, "events"},
		{"UnknownEvent", func(in *cases.WebhookInput) { in.Events = []cases.EventKind{"created"} }, "events"},
		{"DuplicateEvent", func(in *cases.WebhookInput) { in.Events = []cases.EventKind{"reminded", "reminded"} }, "events"},
		{"UnknownLanguage", func(in *cases.WebhookInput) { in.Language = "fr" }, "language"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good
			tt.edit(&in)
			_, err := in.Webhook()
			var e *cases.Error
			if !errors.As(err, &e) || e.Code != cases.Invalid || e.Field != tt.field {
				t.Fatalf("got %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestRedactURLKeepsOnlySchemeAndHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-KEY": "https://qyapi.weixin.qq.com",
		"https://hooks.slack.com/services/T0/B0/SECRET":                   "https://hooks.slack.com",
		"http://127.0.0.1:8080/x?token=SECRET":                            "http://127.0.0.1:8080",
		"::nonsense":                                                      "(invalid url)",
	} {
		if got := cases.RedactURL(in); got != want || strings.Contains(got, "SECRET") {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

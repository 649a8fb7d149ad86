package cases

import (
	"mime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EvidenceKind is what an evidence item is.
type EvidenceKind string

// Evidence kinds.
const (
	EvidenceChatExcerpt       EvidenceKind = "chat_excerpt"
	EvidenceDeliverySignature EvidenceKind = "delivery_signature"
	EvidencePhoto             EvidenceKind = "photo"
	EvidenceTrackingRecord    EvidenceKind = "tracking_record"
	EvidenceScreenshot        EvidenceKind = "screenshot"
	EvidenceDocument          EvidenceKind = "document"
)

// AbuseEvidenceKinds are the kinds that can back a suspicion of abuse
// (SPEC §2: skipping the apology needs one): what the buyer wrote, and
// proof of what they received.
func AbuseEvidenceKinds() []EvidenceKind {
	return []EvidenceKind{EvidenceChatExcerpt, EvidenceDeliverySignature}
}

// BacksAbuse reports whether e can back a suspicion of abuse: an item of
// one of AbuseEvidenceKinds that has not been voided. It is the one
// statement of the rule; the store asks the same of the database.
func (e Evidence) BacksAbuse() bool {
	return !e.Voided && slices.Contains(AbuseEvidenceKinds(), e.Kind)
}

// EvidenceKinds returns every evidence kind.
func EvidenceKinds() []EvidenceKind {
	return []EvidenceKind{EvidenceChatExcerpt, EvidenceDeliverySignature, EvidencePhoto,
		EvidenceTrackingRecord, EvidenceScreenshot, EvidenceDocument}
}

// Valid reports whether k is a known evidence kind.
func (k EvidenceKind) Valid() bool { return slices.Contains(EvidenceKinds(), k) }

// fileRule says whether a kind of evidence takes an uploaded file.
type fileRule int

const (
	fileForbidden fileRule = iota // the content is text or a record
	fileOptional                  // a record, usually with an image of it
	fileRequired                  // the content is the file
)

func (k EvidenceKind) file() fileRule {
	switch k {
	case EvidenceChatExcerpt:
		return fileForbidden
	case EvidenceDeliverySignature, EvidenceTrackingRecord:
		return fileOptional
	}
	return fileRequired
}

// checkKind names what is wrong with a kind, if anything.
func checkKind(k EvidenceKind) error {
	switch {
	case k == "":
		return FieldError("kind", "kind is required: one of %s", list(EvidenceKinds()))
	case !k.Valid():
		return FieldError("kind", "%q is not a kind of evidence: one of %s", k, list(EvidenceKinds()))
	}
	return nil
}

// AcceptsFile returns nil when evidence of kind k may come with a file, and
// otherwise the problem: an unknown kind, or a kind whose content is text.
// An upload checks it before reading the file.
func (k EvidenceKind) AcceptsFile() error {
	if err := checkKind(k); err != nil {
		return err
	}
	if k.file() == fileForbidden {
		return FieldError("file", "a %s is text: send it in the text field, not as a file", k)
	}
	return nil
}

// fields lists the kind-specific fields (JSON names) a kind has.
func (k EvidenceKind) fields() []string {
	switch k {
	case EvidenceChatExcerpt:
		return []string{"text"}
	case EvidenceDeliverySignature:
		return []string{"courier", "waybill", "signed_by", "signed_at"}
	case EvidenceTrackingRecord:
		return []string{"courier", "waybill", "status_lines"}
	}
	return nil
}

// Limits on evidence.
const (
	// MaxChatBytes bounds a chat excerpt's text.
	MaxChatBytes = 1 << 20
	// MaxFileName bounds a file name, in bytes.
	MaxFileName = 255
	// MaxStatusLines bounds a tracking record's history.
	MaxStatusLines = 500
	// ClockSkew is how far in the future a capture or signature time may
	// lie, for devices whose clocks run ahead.
	ClockSkew = 5 * time.Minute
)

// EvidenceContentTypes lists the media types evidence files may have, as
// sniffed from their first bytes.
func EvidenceContentTypes() []string {
	return []string{"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf", "text/plain"}
}

// AllowedContentType reports whether a sniffed content type (parameters
// such as charset allowed) is on the allow-list.
func AllowedContentType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && slices.Contains(EvidenceContentTypes(), mt)
}

// ChatLine is one message of a parsed chat excerpt. At is the time as the
// transcript writes it: chat tools print local times, often without a date.
type ChatLine struct {
	At      string `json:"at"`
	Speaker string `json:"speaker"`
	Message string `json:"message"`
}

// StatusLine is one step of a parcel's tracking history.
type StatusLine struct {
	At       *time.Time `json:"at"`
	Status   string     `json:"status"`
	Location string     `json:"location,omitempty"`
}

// Evidence is one immutable item of a case's evidence. Its content (a file,
// a chat excerpt's text, or a record's JSON) is described by SHA256, Size
// and ContentType; kind-specific fields are set for their kind only.
type Evidence struct {
	ID          int64        `json:"id"`
	CaseID      int64        `json:"case_id"`
	Kind        EvidenceKind `json:"kind"`
	SHA256      string       `json:"sha256"`
	Size        int64        `json:"size"`
	ContentType string       `json:"content_type"`
	FileName    string       `json:"file_name"`
	Note        string       `json:"note"`
	CapturedAt  *time.Time   `json:"captured_at"`
	AddedAt     time.Time    `json:"added_at"`
	AddedBy     int64        `json:"added_by"`
	Voided      bool         `json:"voided"`
	VoidReason  string       `json:"void_reason,omitempty"`
	VoidedAt    *time.Time   `json:"voided_at,omitempty"`
	VoidedBy    *int64       `json:"voided_by,omitempty"`

	// Chat excerpts: the text exactly as received, and its lines when the
	// transcript's layout was recognised.
	Text   *string     `json:"text,omitempty"`
	Parsed *bool       `json:"parsed,omitempty"`
	Lines  *[]ChatLine `json:"lines,omitempty"`

	// Delivery signatures and tracking records.
	Courier     string        `json:"courier,omitempty"`
	Waybill     string        `json:"waybill,omitempty"`
	SignedBy    string        `json:"signed_by,omitempty"`
	SignedAt    *time.Time    `json:"signed_at,omitempty"`
	StatusLines *[]StatusLine `json:"status_lines,omitempty"`

	// Content is where the store keeps the item's bytes; it never leaves
	// the server.
	Content EvidenceContent `json:"-"`
}

// EvidenceContent is where an item's bytes are: inline in Body, or in the
// chunks of a stored file.
type EvidenceContent struct {
	Body      *string
	UploadID  int64
	ChunkSize int
}

// EvidenceInput is new evidence as a client sends it. Empty values count as
// absent, so that a form that posts every input box may leave the ones of
// other kinds blank.
type EvidenceInput struct {
	Kind        EvidenceKind `json:"kind"`
	Text        string       `json:"text"`
	CapturedAt  *time.Time   `json:"captured_at"`
	Note        string       `json:"note"`
	Courier     string       `json:"courier"`
	Waybill     string       `json:"waybill"`
	SignedBy    string       `json:"signed_by"`
	SignedAt    *time.Time   `json:"signed_at"`
	StatusLines []StatusLine `json:"status_lines"`
	// FileName is the uploaded file's name, for display and download.
	FileName string `json:"-"`
}

// given lists the kind-specific fields the input carries.
func (in EvidenceInput) given() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"text", in.Text != ""},
		{"courier", strings.TrimSpace(in.Courier) != ""},
		{"waybill", strings.TrimSpace(in.Waybill) != ""},
		{"signed_by", strings.TrimSpace(in.SignedBy) != ""},
		{"signed_at", in.SignedAt != nil},
		{"status_lines", len(in.StatusLines) > 0},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// Check validates the input for evidence with or without a file and
// returns it normalised. It names the first field at fault; times are
// checked against the clock separately (CheckTimes).
func (in EvidenceInput) Check(hasFile bool) (EvidenceInput, error) {
	if err := checkKind(in.Kind); err != nil {
		return in, err
	}
	for _, f := range in.given() {
		if !slices.Contains(in.Kind.fields(), f) {
			return in, FieldError(f, "%s is not a field of %s evidence", f, in.Kind)
		}
	}
	if hasFile {
		if err := in.Kind.AcceptsFile(); err != nil {
			return in, err
		}
	}
	in.Courier, in.Waybill, in.SignedBy = strings.TrimSpace(in.Courier), strings.TrimSpace(in.Waybill), strings.TrimSpace(in.SignedBy)
	in.Note = strings.TrimSpace(in.Note)
	if err := checkText("note", in.Note, 2000); err != nil {
		return in, err
	}
	if err := CheckFileName(in.FileName); err != nil {
		return in, err
	}
	switch in.Kind {
	case EvidenceChatExcerpt:
		if err := checkChatText(in.Text); err != nil {
			return in, err
		}
	case EvidenceDeliverySignature, EvidenceTrackingRecord:
		for _, f := range []struct {
			name, value string
			max         int
		}{{"courier", in.Courier, 100}, {"waybill", in.Waybill, 100}, {"signed_by", in.SignedBy, MaxShortText}} {
			if f.name == "signed_by" && in.Kind != EvidenceDeliverySignature {
				continue
			}
			if err := CheckText(f.name, f.value, f.max, true); err != nil {
				return in, err
			}
		}
		if in.Kind == EvidenceDeliverySignature && in.SignedAt == nil {
			return in, FieldError("signed_at", "signed_at is required: when the buyer signed for the parcel")
		}
		if in.Kind == EvidenceTrackingRecord {
			if err := checkStatusLines(in.StatusLines, hasFile); err != nil {
				return in, err
			}
		}
	}
	if !hasFile && in.Kind.file() == fileRequired {
		return in, FieldError("file", "a %s needs its file, sent as the multipart part named file", in.Kind)
	}
	return in, nil
}

// CheckTimes refuses capture and signature times in the future of now,
// beyond ClockSkew.
func (in EvidenceInput) CheckTimes(now time.Time) error {
	limit := now.Add(ClockSkew)
	if in.CapturedAt != nil && in.CapturedAt.After(limit) {
		return FieldError("captured_at", "captured_at is in the future")
	}
	if in.SignedAt != nil && in.SignedAt.After(limit) {
		return FieldError("signed_at", "signed_at is in the future")
	}
	return nil
}

func checkChatText(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return FieldError("text", "text is required: paste the chat excerpt")
	case len(text) > MaxChatBytes:
		return FieldError("text", "text is %d bytes long; the limit is %d", len(text), MaxChatBytes)
	case !utf8.ValidString(text):
		return FieldError("text", "text is not valid UTF-8")
	case strings.ContainsRune(text, 0):
		return FieldError("text", "text contains a NUL character")
	}
	return nil
}

func checkStatusLines(lines []StatusLine, hasFile bool) error {
	if len(lines) == 0 && !hasFile {
		return FieldError("status_lines", "status_lines is required: the tracking history, or attach its file")
	}
	if len(lines) > MaxStatusLines {
		return FieldError("status_lines", "status_lines has %d lines; the limit is %d", len(lines), MaxStatusLines)
	}
	for i := range lines {
		lines[i].Status = strings.TrimSpace(lines[i].Status)
		lines[i].Location = strings.TrimSpace(lines[i].Location)
		if err := CheckText("status_lines.status", lines[i].Status, 500, true); err != nil {
			return err
		}
		if err := checkText("status_lines.location", lines[i].Location, MaxShortText); err != nil {
			return err
		}
	}
	return nil
}

// CheckFileName refuses file names that could be taken for paths or that
// carry control characters; an empty name is allowed.
func CheckFileName(name string) error {
	switch {
	case len(name) > MaxFileName:
		return FieldError("file_name", "the file name is %d bytes long; the limit is %d", len(name), MaxFileName)
	case !utf8.ValidString(name):
		return FieldError("file_name", "the file name is not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return FieldError("file_name", "the file name must not contain / or \\")
	case name == "." || name == "..":
		return FieldError("file_name", "%q is not a file name", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return FieldError("file_name", "the file name contains a control character")
		}
	}
	return nil
}

// EvidencePack is a case's evidence as one consistent snapshot, with the
// case's ledger head at that moment, for a packet handed to a marketplace.
type EvidencePack struct {
	CaseID     int64
	CaseRef    string
	LedgerSeq  int64
	LedgerHead string
	Items      []Evidence
}

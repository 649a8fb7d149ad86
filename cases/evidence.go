package cases

import (
	"mime"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"redress/cases/chat"
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
// one of AbuseEvidenceKinds that has not been voided and, for a chat
// excerpt, holds at least one line the buyer wrote (a paste of the shop's
// own words proves nothing about the buyer). It is the one statement of
// the rule: the store loads a case's items and asks each of them. A chat
// excerpt is judged by its parse (ReadChat), the agent's confirmed roles
// applied.
func (e Evidence) BacksAbuse() bool {
	if e.Voided || !slices.Contains(AbuseEvidenceKinds(), e.Kind) {
		return false
	}
	if e.Kind != EvidenceChatExcerpt {
		return true
	}
	if e.Lines == nil {
		return false
	}
	for _, l := range *e.Lines {
		if l.Role == chat.RoleBuyer && !l.System && strings.TrimSpace(l.Message) != "" {
			return true
		}
	}
	return false
}

// ReadChat sets a chat excerpt's parse from its stored text: the parse is a
// view, made again on every read, so that a better parser improves old
// excerpts too. Times with a full date are read in loc (the shop's zone);
// the roles the agent confirmed when adding the excerpt override the
// parser's guess. It does nothing to other kinds.
func (e *Evidence) ReadChat(loc *time.Location) {
	if e.Kind != EvidenceChatExcerpt || e.Text == nil {
		return
	}
	t := chat.Parse(*e.Text, loc).WithRoles(e.Roles)
	parsed := t.Parsed
	e.Parsed, e.Layout, e.Preamble, e.Lines = &parsed, t.Layout, t.Preamble, &t.Lines
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
		return []string{"text", "roles"}
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

// ChatRoles is the agent's confirmation, when adding a chat excerpt, of the
// side each speaker is on (buyer, shop, or system for a bot): recorded with
// the item, and applied over the parser's guess whenever it is read.
type ChatRoles map[string]chat.Role

// ChatPreview is how a pasted chat excerpt will be read: the parse, and its
// speakers with the side the parser guesses for each, for the agent to
// confirm (as ChatRoles) when adding it.
type ChatPreview struct {
	chat.Transcript
	Speakers []ChatSpeaker `json:"speakers"`
}

// ChatSpeaker is one speaker of a transcript and the side guessed for it.
type ChatSpeaker struct {
	Name string    `json:"name"`
	Role chat.Role `json:"role"`
}

// PreviewChat parses text as a chat excerpt, dated times in loc, and lists
// its speakers in the order they first speak, with their guessed sides.
func PreviewChat(text string, loc *time.Location) ChatPreview {
	t := chat.Parse(text, loc)
	p := ChatPreview{Transcript: t, Speakers: []ChatSpeaker{}}
	for _, name := range chat.Speakers(t) {
		for _, l := range t.Lines {
			if l.Speaker == name {
				p.Speakers = append(p.Speakers, ChatSpeaker{Name: name, Role: l.Role})
				break
			}
		}
	}
	return p
}

// MaxChatRoles bounds the speakers a confirmation names.
const MaxChatRoles = 50

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

	// Chat excerpts: the text exactly as received, the roles the agent
	// confirmed, and the parse of the text (ReadChat): its layout, any
	// heading before the first message, and its lines when the layout was
	// recognised.
	Text     *string      `json:"text,omitempty"`
	Roles    ChatRoles    `json:"roles,omitempty"`
	Parsed   *bool        `json:"parsed,omitempty"`
	Layout   string       `json:"layout,omitempty"`
	Preamble string       `json:"preamble,omitempty"`
	Lines    *[]chat.Line `json:"lines,omitempty"`

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
	Roles       ChatRoles    `json:"roles"`
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
		{"roles", len(in.Roles) > 0},
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
		if err := checkChatRoles(in.Text, in.Roles); err != nil {
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

// checkChatRoles refuses a confirmation that names a speaker the excerpt
// does not have, or a side that is not buyer, shop or system.
func checkChatRoles(text string, roles ChatRoles) error {
	if len(roles) == 0 {
		return nil
	}
	if len(roles) > MaxChatRoles {
		return FieldError("roles", "roles names %d speakers; the limit is %d", len(roles), MaxChatRoles)
	}
	t := chat.Parse(text, nil)
	if !t.Parsed {
		return FieldError("roles", "the excerpt's layout was not recognised, so it has no speakers to confirm; leave roles out")
	}
	speakers := chat.Speakers(t)
	names := make([]string, 0, len(roles))
	for name := range roles {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch r := roles[name]; {
		case !slices.Contains(speakers, name):
			return FieldError("roles", "%q is not a speaker of the excerpt; its speakers are %s", name, strings.Join(speakers, ", "))
		case r != chat.RoleBuyer && r != chat.RoleShop && r != chat.RoleSystem:
			return FieldError("roles", "the role of %q is %q: one of buyer, shop, system", name, r)
		}
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

package approval

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Format identifies an approvals document (an annotation or a file).
const Format = "guardrail.dev/approvals/v1"

// Limits of what Parse reads.
const (
	// MaxDocumentBytes bounds an approvals annotation or file.
	MaxDocumentBytes = 16 << 20
	// MaxManifestBytes bounds an embedded manifest once decompressed.
	MaxManifestBytes = 4 << 20
	// MaxApprovals bounds the approvals of one change.
	MaxApprovals = 64
	// MaxChanges bounds the changes of one approvals file.
	MaxChanges = 10000
)

// Approval is one person's approval of a change: who approved (an identity,
// as authors and deployers are named, usually an e-mail address), under which
// change ticket, when, until when, and the SSH signature of the approval's
// Statement. A break-glass entry records an emergency deploy without
// approval instead, with its reason.
type Approval struct {
	Approver string `json:"approver"`
	Ticket   string `json:"ticket,omitempty"`
	// Time is when the approval was given, RFC 3339 (2026-11-23T10:00:00Z).
	Time string `json:"time"`
	// Expires, when set, is when the approval stops counting, RFC 3339.
	Expires string `json:"expires,omitempty"`
	// BreakGlass, when set, makes the entry a break-glass record with this reason.
	BreakGlass string `json:"breakGlass,omitempty"`
	// Signature is the armored SSH signature (-----BEGIN SSH SIGNATURE-----)
	// of the Statement, namespace guardrail.dev/approval; empty for an
	// unsigned approval.
	Signature string `json:"signature,omitempty"`
}

// Change is the approvals of one change: the digest of the change's
// canonical form and the approvals given for it. It is the value of a
// Kubernetes object's approvals annotation, and an entry of an approvals file.
type Change struct {
	// Format is Format; it may be left out of the entries of a File.
	Format string `json:"format,omitempty"`
	// Subject names the change, for people: Kind/namespace/name of an
	// object, or "plan <file>"; verification goes by Digest.
	Subject string `json:"subject,omitempty"`
	// Digest is "sha256:<hex>" of the change's canonical form.
	Digest string `json:"digest"`
	// Manifest is the approved object's canonical form, gzipped and base64
	// encoded (Kubernetes only): it lets the webhook check the object the
	// API server admits, defaults and all, against what was approved.
	Manifest string `json:"manifest,omitempty"`
	// Approvals are the approvals given.
	Approvals []Approval `json:"approvals"`
}

// File is an approvals file: the approvals of several changes, such as the
// <plan>.approvals.json file `guardrail approve` writes next to a plan.
type File struct {
	Format  string   `json:"format"`
	Changes []Change `json:"changes"`
}

// ParseChange reads an approvals annotation: one Change.
func ParseChange(data []byte) (*Change, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("the approvals document is %d bytes, over the %d byte limit", len(data), MaxDocumentBytes)
	}
	var c Change
	if err := decodeStrict(data, &c); err != nil {
		return nil, err
	}
	if c.Format != Format {
		return nil, formatError(c.Format)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// ParseFile reads an approvals file: a File, or a single Change.
func ParseFile(data []byte) (*File, error) {
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("the approvals file is %d bytes, over the %d byte limit", len(data), MaxDocumentBytes)
	}
	var probe struct {
		Changes json.RawMessage `json:"changes"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, jsonError(err)
	}
	if probe.Changes == nil {
		c, err := ParseChange(data)
		if err != nil {
			return nil, err
		}
		return &File{Format: Format, Changes: []Change{*c}}, nil
	}
	var f File
	if err := decodeStrict(data, &f); err != nil {
		return nil, err
	}
	if f.Format != Format {
		return nil, formatError(f.Format)
	}
	if len(f.Changes) > MaxChanges {
		return nil, fmt.Errorf("the file holds %d changes, over the limit of %d", len(f.Changes), MaxChanges)
	}
	for i := range f.Changes {
		c := &f.Changes[i]
		if c.Format != "" && c.Format != Format {
			return nil, fmt.Errorf("changes[%d]: %w", i, formatError(c.Format))
		}
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("changes[%d]: %w", i, err)
		}
	}
	return &f, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errors.New("the approvals document is followed by more data")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("the approvals document is followed by more data")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("not valid JSON at byte %d: %v", se.Offset, err)
	}
	return fmt.Errorf("not an approvals document: %v", err)
}

func formatError(got string) error {
	if got == "" {
		return fmt.Errorf("no format: an approvals document starts with \"format\": %q", Format)
	}
	return fmt.Errorf("format %q is not %q", clip(got, 60), Format)
}

// validate checks what a change must hold to be verified at all; problems
// of single approvals (a bad time, a bad signature) are left to Verify,
// which reports each against the approval.
func (c *Change) validate() error {
	if !ValidDigest(c.Digest) {
		return fmt.Errorf("digest %q is not sha256: and 64 lower-case hex digits", clip(c.Digest, 80))
	}
	if len(c.Approvals) > MaxApprovals {
		return fmt.Errorf("%d approvals, over the limit of %d", len(c.Approvals), MaxApprovals)
	}
	for i, a := range c.Approvals {
		if strings.TrimSpace(a.Approver) == "" {
			return fmt.Errorf("approvals[%d] names no approver", i)
		}
	}
	return nil
}

// EncodeChange writes a Change as the value of an approvals annotation:
// compact JSON, with Format set.
func EncodeChange(c Change) (string, error) {
	c.Format = Format
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// EncodeFile writes an approvals file, indented.
func EncodeFile(f File) ([]byte, error) {
	f.Format = Format
	for i := range f.Changes {
		f.Changes[i].Format = ""
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// EncodeManifest gzips and base64-encodes a canonical manifest for
// Change.Manifest. The output depends only on the input.
func EncodeManifest(canonical []byte) string {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = zw.Write(canonical)
	_ = zw.Close()
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

// DecodeManifest reverses EncodeManifest, refusing more than MaxManifestBytes.
func DecodeManifest(s string) ([]byte, error) {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the embedded manifest is not base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("the embedded manifest is not gzip data: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("the embedded manifest cannot be decompressed: %v", err)
	}
	if len(out) > MaxManifestBytes {
		return nil, fmt.Errorf("the embedded manifest is over %d bytes decompressed", MaxManifestBytes)
	}
	return out, nil
}

// ParseTime reads an approval's time or expiry: RFC 3339.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (2026-11-23T10:00:00Z)", clip(s, 40))
	}
	return t, nil
}

// FormatTime writes a time as approvals do: RFC 3339 in UTC, to the second.
func FormatTime(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

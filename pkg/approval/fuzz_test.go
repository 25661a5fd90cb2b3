package approval_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/guardrail-dev/guardrail/pkg/approval"
)

const validChange = `{"format":"guardrail.dev/approvals/v1","subject":"Deployment/prod/web",` +
	`"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",` +
	`"manifest":"H4sIAAAAAAAC/6pWSkksSVSyUkpKLFGqBQQAAP//AwBuDQxgDgAAAA==",` +
	`"approvals":[{"approver":"bob@acme.test","ticket":"CHG-1","time":"2026-11-23T10:00:00Z","expires":"2026-11-26T10:00:00Z",` +
	`"signature":"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"}]}`

func TestParse(t *testing.T) {
	c, err := approval.ParseChange([]byte(validChange))
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Deployment/prod/web" || len(c.Approvals) != 1 || c.Approvals[0].Ticket != "CHG-1" {
		t.Errorf("parsed %+v", c)
	}
	f, err := approval.ParseFile([]byte(validChange))
	if err != nil || len(f.Changes) != 1 {
		t.Errorf("a single change as a file: %+v, %v", f, err)
	}
	file, err := approval.EncodeFile(approval.File{Changes: []approval.Change{*c, *c}})
	if err != nil {
		t.Fatal(err)
	}
	f, err = approval.ParseFile(file)
	if err != nil || len(f.Changes) != 2 || f.Changes[1].Digest != c.Digest {
		t.Errorf("a file of two changes: %+v, %v\n%s", f, err, file)
	}
	for _, tc := range []struct{ doc, want string }{
		{`{`, "not valid JSON"},
		{`[]`, "not an approvals document"},
		{`{"digest":"sha256:00","approvals":[]}`, "no format"},
		{`{"format":"v2","digest":"x","approvals":[]}`, `format "v2" is not "guardrail.dev/approvals/v1"`},
		{strings.Replace(validChange, `"digest":"sha256:0123`, `"digest":"sha256:X123`, 1), "is not sha256: and 64 lower-case hex digits"},
		{strings.Replace(validChange, `"approver":"bob@acme.test"`, `"approver":" "`, 1), "approvals[0] names no approver"},
		{strings.Replace(validChange, `"ticket"`, `"tikcet"`, 1), `unknown field "tikcet"`},
		{validChange + `{}`, "not valid JSON"},
		{`{"format":"guardrail.dev/approvals/v1","changes":[{"digest":"sha256:1","approvals":[]}]}`, "changes[0]: digest"},
	} {
		_, err := approval.ParseFile([]byte(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseFile(%.60s): %v, want an error containing %q", tc.doc, err, tc.want)
		}
	}
	if _, err := approval.ParseChange([]byte(validChange + " {}")); err == nil || !strings.Contains(err.Error(), "followed by more data") {
		t.Errorf("an annotation followed by more data: %v", err)
	}
	if _, err := approval.DecodeManifest(approval.EncodeManifest([]byte(strings.Repeat("a", approval.MaxManifestBytes+1)))); err == nil {
		t.Error("an embedded manifest over the limit is decoded")
	}
}

// FuzzParse reads approval annotations and files: Parse never panics, what
// it accepts is valid and reads back the same once written, and embedded
// manifests and signatures are decoded within their limits.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		validChange,
		`{"format":"guardrail.dev/approvals/v1","changes":[` + strings.Replace(validChange, `"format":"guardrail.dev/approvals/v1",`, "", 1) + `]}`,
		`{"format":"guardrail.dev/approvals/v1","digest":"sha256:` + strings.Repeat("0", 64) + `","approvals":[]}`,
		`{"format":"guardrail.dev/approvals/v1","digest":"sha256:` + strings.Repeat("a", 64) + `","approvals":[{"approver":"a","time":"x","breakGlass":"INC-1"}]}`,
		`{"format":"guardrail.dev/approvals/v1","changes":null}`,
		`{"changes":[]}`, `null`, `{}`, `[1]`, `"x"`, `{"format":1}`,
		`{"format":"guardrail.dev/approvals/v1","digest":"sha256:` + strings.Repeat("f", 64) + `","approvals":[],"approvals":[{"approver":"x","time":""}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := approval.ParseChange(data); err == nil {
			if !approval.ValidDigest(c.Digest) || c.Format != approval.Format {
				t.Fatalf("ParseChange accepted %+v", c)
			}
			checkRoundTrip(t, c)
			if c.Manifest != "" {
				if m, err := approval.DecodeManifest(c.Manifest); err == nil && len(m) > approval.MaxManifestBytes {
					t.Fatalf("decoded a manifest of %d bytes", len(m))
				}
			}
			for _, a := range c.Approvals {
				if strings.TrimSpace(a.Approver) == "" {
					t.Fatalf("accepted an approval without approver: %+v", a)
				}
				_, _ = approval.ParseSignature(a.Signature)
				_, _ = approval.ParseTime(a.Time)
				st := approval.StatementOf(c.Digest, a)
				if back, err := approval.ParseStatement(st.Bytes()); err == nil && back != st {
					t.Fatalf("statement %+v read back as %+v", st, back)
				}
			}
		} else if len(err.Error()) > 400 {
			t.Fatalf("error of %d bytes: %.100s", len(err.Error()), err)
		}
		if file, err := approval.ParseFile(data); err == nil {
			for i := range file.Changes {
				if !approval.ValidDigest(file.Changes[i].Digest) {
					t.Fatalf("ParseFile accepted change %d: %+v", i, file.Changes[i])
				}
			}
			out, err := approval.EncodeFile(*file)
			if err != nil {
				t.Fatal(err)
			}
			again, err := approval.ParseFile(out)
			if err != nil {
				t.Fatalf("%s\nwritten as\n%s\ndoes not read back: %v", data, out, err)
			}
			for i := range again.Changes {
				again.Changes[i].Format = file.Changes[i].Format
			}
			if !reflect.DeepEqual(file, again) {
				t.Fatalf("file changed on its way back:\n%+v\n%+v", file, again)
			}
		}
		_, _ = approval.ParseStatement(data)
		_, _ = approval.DecodeManifest(string(data))
	})
}

func checkRoundTrip(t *testing.T, c *approval.Change) {
	t.Helper()
	value, err := approval.EncodeChange(*c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := approval.ParseChange([]byte(value))
	if err != nil {
		t.Fatalf("%+v written as %s does not read back: %v", c, value, err)
	}
	if !reflect.DeepEqual(c, again) {
		t.Fatalf("change changed on its way back:\n%+v\n%+v", c, again)
	}
}

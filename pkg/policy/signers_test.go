package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestAllowedSignerKeys checks that allowed signers' keys are SSH public keys
// in authorized_keys form, with or without options and a comment.
func TestAllowedSignerKeys(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDW8dmV9F8iziALEERghH1H+Lcw85vLUXIoaFs4JroCD"
	for _, tc := range []struct {
		keys string
		want string // part of the problem; "" for none
	}{
		{keys: `["` + key + `"]`},
		{keys: `["` + key + ` alice@example.com"]`},
		{keys: `['no-touch-required ` + key + `']`},
		{keys: `["ssh-ed25519 AAAA..."]`, want: "spec.approval.allowedSigners[0].keys[0]: not an SSH public key in authorized_keys form"},
		{keys: `["` + key + `", "alice"]`, want: "spec.approval.allowedSigners[0].keys[1]: not an SSH public key"},
	} {
		doc := header + "spec:\n  approval:\n    allowedSigners:\n    - {identity: alice@example.com, keys: " + tc.keys + "}\n"
		_, err := Parse("p.yaml", []byte(doc))
		var perr *Error
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("keys %s: %v", tc.keys, err)
		case tc.want != "" && !errors.As(err, &perr):
			t.Errorf("keys %s: want a policy error, got %v", tc.keys, err)
		case tc.want != "" && !strings.Contains(err.Error(), tc.want):
			t.Errorf("keys %s: error lacks %q:\n%v", tc.keys, tc.want, err)
		}
	}
}

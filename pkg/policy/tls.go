package policy

import (
	"fmt"
	"strings"
)

// TLSVersion is a TLS protocol version, ordered so that comparisons work.
type TLSVersion int

// TLS versions. SSL3 stands for anything older than TLS 1.0.
const (
	SSL3 TLSVersion = iota
	TLS10
	TLS11
	TLS12
	TLS13
)

// String returns the version's name ("TLS 1.2").
func (v TLSVersion) String() string {
	switch v {
	case TLS10:
		return "TLS 1.0"
	case TLS11:
		return "TLS 1.1"
	case TLS12:
		return "TLS 1.2"
	case TLS13:
		return "TLS 1.3"
	}
	return "SSL 3.0"
}

// ParseTLSVersion understands the spellings providers use: "1.2", "TLS1.2",
// "TLSv1.2", "TLS1_2", "TLS_1_2", "TLS-1.2", "tls1.2", "VersionTLS12", "TLS12";
// "SSLv3" and other SSL versions are SSL3.
func ParseTLSVersion(s string) (TLSVersion, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.TrimPrefix(n, "version")
	n = strings.TrimPrefix(n, "tls")
	n = strings.TrimPrefix(n, "v")
	n = strings.Trim(n, "_- ")
	n = strings.NewReplacer("_", ".", "-", ".").Replace(n)
	switch n {
	case "1.0", "1", "10":
		return TLS10, nil
	case "1.1", "11":
		return TLS11, nil
	case "1.2", "12":
		return TLS12, nil
	case "1.3", "13":
		return TLS13, nil
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), "ssl") {
		return SSL3, nil
	}
	return 0, fmt.Errorf("unknown TLS version %q: want 1.0, 1.1, 1.2 or 1.3", s)
}

package webhook_test

import (
	"crypto/tls"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/guardrail-dev/guardrail/pkg/policy"
	"github.com/guardrail-dev/guardrail/webhook"
)

// TestServesOnlyModernTLS connects to a webhook server configured like the
// manager's with every TLS version and with weak cipher suites: only TLS 1.2
// with a strong suite and TLS 1.3 may succeed.
func TestServesOnlyModernTLS(t *testing.T) {
	h := newHandler(policy.Spec{}, namespaces{})
	h.Log = logr.Discard()
	url, client := startServerWith(t, h, webhook.TLSConfig)
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "https://"), "/validate")
	pool := client.Transport.(*http.Transport).TLSClientConfig.RootCAs

	dial := func(cfg *tls.Config) error {
		cfg.RootCAs = pool
		conn, err := tls.DialWithDialer(&netDialer, "tcp", addr, cfg)
		if err == nil {
			conn.Close()
		}
		return err
	}
	for _, v := range []uint16{tls.VersionTLS10, tls.VersionTLS11} {
		if err := dial(&tls.Config{MinVersion: v, MaxVersion: v}); err == nil { //nolint:gosec // proving old versions are refused
			t.Errorf("a %s handshake succeeded; the webhook must refuse it", tls.VersionName(v))
		}
	}
	// CBC suites without forward-secret AEAD; the test certificate is ECDSA.
	weak := &tls.Config{MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{ //nolint:gosec // proving weak suites are refused
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}}
	if err := dial(weak.Clone()); err == nil {
		t.Error("a TLS 1.2 handshake with only weak cipher suites succeeded")
	}
	// The control: a server without the guardrail settings accepts them, so
	// the refusal above is the settings' doing.
	plainURL, _ := startServerWith(t, h)
	plainAddr := strings.TrimSuffix(strings.TrimPrefix(plainURL, "https://"), "/validate")
	if conn, err := tls.DialWithDialer(&netDialer, "tcp", plainAddr, &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, //nolint:gosec // test control
		CipherSuites: weak.CipherSuites}); err != nil {
		t.Logf("control: Go's default server also refused the weak suites (%v); the check above proves less", err)
	} else {
		conn.Close()
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		if err := dial(&tls.Config{MinVersion: v, MaxVersion: v}); err != nil {
			t.Errorf("%s refused: %v", tls.VersionName(v), err)
		}
	}
}

var netDialer = net.Dialer{Timeout: 5 * time.Second}

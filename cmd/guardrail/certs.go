package main

import (
	"crypto/tls"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// certFiles serves the webhook's certificate from tls.crt and tls.key in a
// directory, reloading them when they change. Unlike controller-runtime's
// certificate watcher it tolerates the files being absent at start: with
// --cert-rotation the certificates appear only once the rotator has written
// the Secret and the kubelet has updated the volume, and until then TLS
// handshakes fail and the readiness probe keeps the replica out of the Service.
type certFiles struct {
	dir string

	mu      sync.Mutex
	cert    *tls.Certificate
	modTime time.Time
	checked time.Time
}

// recheck bounds how often the files are stat'ed.
const recheck = 2 * time.Second

func (c *certFiles) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.cert != nil && now.Sub(c.checked) < recheck {
		return c.cert, nil
	}
	c.checked = now
	crt, key := filepath.Join(c.dir, "tls.crt"), filepath.Join(c.dir, "tls.key")
	st, err := os.Stat(crt)
	if err != nil {
		if c.cert != nil {
			return c.cert, nil
		}
		return nil, fmt.Errorf("webhook certificate not available yet: %w", err)
	}
	if c.cert != nil && !st.ModTime().After(c.modTime) {
		return c.cert, nil
	}
	pair, err := tls.LoadX509KeyPair(crt, key)
	if err != nil {
		if c.cert != nil {
			return c.cert, nil // keep serving the old pair while a rotation is half written
		}
		return nil, fmt.Errorf("loading the webhook certificate: %w", err)
	}
	c.cert, c.modTime = &pair, st.ModTime()
	return c.cert, nil
}

package approval

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
)

// The webhook sees the same approvals again and again (every apply of an
// object carries its approval, every replica of a request is retried), so
// the costly steps are cached: signature verifications, and decoding an
// embedded manifest. Both are pure functions of their keys, so a cached
// answer is the answer; the caches are bounded and forget everything when
// full.

const maxCached = 4096

type cache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *cache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = make(map[K]V)
	}
	c.m[k] = v
}

// verifyKey identifies one signature check: statement, signature and key.
type verifyKey struct {
	statement, signature [32]byte
	key                  string
}

var verified cache[verifyKey, bool]

// approvedManifest is a decoded embedded manifest: its bytes' digest, the
// manifest as read, and as the kind's Go type reads it (for Match).
type approvedManifest struct {
	digest string
	object map[string]any
	typed  map[string]any
	err    error
}

var manifests cache[[32]byte, *approvedManifest]

// decodeManifest decodes Change.Manifest once per distinct value.
func decodeManifest(s string) *approvedManifest {
	key := sha256.Sum256([]byte(s))
	if m, ok := manifests.get(key); ok {
		return m
	}
	m := &approvedManifest{}
	raw, err := DecodeManifest(s)
	if err == nil {
		m.digest = DigestBytes(raw)
		err = json.Unmarshal(raw, &m.object)
		if err != nil {
			err = fmt.Errorf("the embedded manifest is not a JSON object: %v", err)
		} else if m.object == nil {
			err = fmt.Errorf("the embedded manifest is not a JSON object")
		}
	}
	if err != nil {
		m.err = err
	} else {
		m.typed = typed(m.object)
	}
	manifests.put(key, m)
	return m
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writePair(t *testing.T, dir, cn string, mod time.Time) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(key)
	crt := filepath.Join(dir, "tls.crt")
	if err := os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(crt, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestCertFilesAppearLaterAndRotate(t *testing.T) {
	dir := t.TempDir()
	c := &certFiles{dir: dir}
	if _, err := c.GetCertificate(&tls.ClientHelloInfo{}); err == nil {
		t.Fatal("want an error while the certificate is absent")
	}
	writePair(t, dir, "first", time.Now().Add(-time.Minute))
	c.checked = time.Time{}
	got, err := c.GetCertificate(&tls.ClientHelloInfo{})
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(got.Certificate[0])
	if leaf.Subject.CommonName != "first" {
		t.Fatalf("got %s", leaf.Subject.CommonName)
	}
	writePair(t, dir, "second", time.Now())
	c.checked = time.Time{}
	got, _ = c.GetCertificate(&tls.ClientHelloInfo{})
	leaf, _ = x509.ParseCertificate(got.Certificate[0])
	if leaf.Subject.CommonName != "second" {
		t.Fatalf("rotation not picked up: %s", leaf.Subject.CommonName)
	}
}

// Package atrest holds the encryption-at-rest rule (GR-REST-*): data stores,
// volumes, queues and streams keep service data encrypted on disk.
package atrest

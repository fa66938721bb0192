package export

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyFile is the name of the pseudonym key in the data directory.
const KeyFile = "pseudonym.key"

// keySize is the pseudonym key's length in bytes.
const keySize = 32

// LoadOrCreateKey returns the site's pseudonym key from DATA/pseudonym.key,
// creating it (32 random bytes, mode 0600) the first time. Keeping the key
// keeps pseudonyms stable from one export to the next; losing it changes
// them all; anyone holding it can test a guessed id against a pseudonym,
// so it never leaves the data directory.
func LoadOrCreateKey(dataDir string) ([]byte, error) {
	path := filepath.Join(dataDir, KeyFile)
	key, err := os.ReadFile(path)
	switch {
	case err == nil:
		if len(key) != keySize {
			return nil, fmt.Errorf("pseudonym key %s: want %d bytes, found %d", path, keySize, len(key))
		}
		return key, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("reading pseudonym key: %w", err)
	}
	key = make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // created by someone else meanwhile
		return LoadOrCreateKey(dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("creating pseudonym key: %w", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

// Pseudonym returns the stable pseudonymous id of a record id under key:
// "X-" and the first 10 hex digits of HMAC-SHA256(key, id). The empty id
// has the empty pseudonym.
func Pseudonym(key []byte, id string) string {
	if id == "" {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return "X-" + hex.EncodeToString(m.Sum(nil))[:10]
}

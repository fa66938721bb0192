package sshserve

import (
	gossh "golang.org/x/crypto/ssh"
)

// Algorithms the server offers. The server's KEXINIT lists every one of
// them on every connection, so the lists are short: modern algorithms
// only (x/crypto's defaults also offer diffie-hellman-group14-sha1 and
// hmac-sha1), which saves a few hundred bytes before the first screen.
// ssh-audit found no weak one left: ecdh-sha2-nistp256 (NIST curve,
// "fail") and hmac-sha2-256 (encrypt-and-MAC, "warn") are not offered;
// every client since OpenSSH 6.5 and PuTTY 0.68 has curve25519-sha256.
func kexAlgorithms(postQuantum bool) []string {
	kex := []string{gossh.KeyExchangeCurve25519}
	if postQuantum {
		// Preferred by OpenSSH 10 clients when offered; its reply carries
		// a 1,088-byte ML-KEM ciphertext, so every connection's first
		// screen costs about 1.1 KB more (issue 6's budget is 4 KB).
		kex = append([]string{gossh.KeyExchangeMLKEM768X25519}, kex...)
	}
	return kex
}

func cipherAlgorithms() []string {
	return []string{gossh.CipherChaCha20Poly1305, gossh.CipherAES128GCM, gossh.CipherAES256GCM, gossh.CipherAES128CTR}
}

// macAlgorithms only matter for aes128-ctr (the AEAD ciphers carry their
// own MAC): encrypt-then-MAC only.
func macAlgorithms() []string {
	return []string{gossh.HMACSHA256ETM}
}

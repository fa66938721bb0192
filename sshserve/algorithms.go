package sshserve

import (
	gossh "golang.org/x/crypto/ssh"
)

// Algorithms the server offers. The server's KEXINIT lists every one of
// them on every connection, so the lists are short: modern algorithms
// only (x/crypto's defaults also offer the NIST curves,
// diffie-hellman-group14-sha1 and hmac-sha1). ssh-audit finds no weak one:
// no ecdh-sha2-nistp* (NIST curves, "fail"), no hmac-sha2-256
// (encrypt-and-MAC, "warn"); the host key is ed25519 only (hostkey.go).
//
// By default the post-quantum hybrid mlkem768x25519-sha256 comes first
// (OpenSSH 9.9+, PuTTY 0.83+ and x/crypto clients choose it), then
// curve25519-sha256 for every other client since OpenSSH 7.4, PuTTY 0.68
// and Dropbear 2018.76; x/crypto adds its older name
// curve25519-sha256@libssh.org by itself, right after it. x/crypto also
// adds kex-strict-s-v00@openssh.com, the Terrapin (CVE-2023-48795)
// countermeasure marker, which ssh-audit before 3.1 calls an "unknown
// algorithm" (informational).
//
// classic (owg serve --classic-kex) drops the hybrid: its reply carries a
// 1,088-byte ML-KEM ciphertext and its init a 1,184-byte key, so a
// connection's first screen costs about 1.1 KB more received (and 1.1 KB
// more sent) with it; classic keeps issue 6's 4 KB connect budget for
// links where every byte counts, at the price of a key exchange a future
// quantum computer could break on recorded traffic.
func kexAlgorithms(classic bool) []string {
	if classic {
		return []string{gossh.KeyExchangeCurve25519}
	}
	return []string{gossh.KeyExchangeMLKEM768X25519, gossh.KeyExchangeCurve25519}
}

// cipherAlgorithms: the AEAD ciphers, then aes128-ctr (with an
// encrypt-then-MAC MAC only) for clients that have none of them.
func cipherAlgorithms() []string {
	return []string{gossh.CipherChaCha20Poly1305, gossh.CipherAES128GCM, gossh.CipherAES256GCM, gossh.CipherAES128CTR}
}

// macAlgorithms only matter for aes128-ctr (the AEAD ciphers carry their
// own MAC): encrypt-then-MAC only.
func macAlgorithms() []string {
	return []string{gossh.HMACSHA256ETM}
}

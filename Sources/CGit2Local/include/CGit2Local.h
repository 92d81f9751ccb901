#ifndef REVQ_CGIT2LOCAL_H
#define REVQ_CGIT2LOCAL_H

// revq opens local repositories only: libgit2 never makes a TLS connection here.
//
// Debian's libgit2 is built with mbedTLS and a compiled-in CA bundle path, and its
// git_libgit2_init() parses the whole bundle (/etc/ssl/certs/ca-certificates.crt): about 52M
// instructions, most of the work of a short command such as `revq enqueue`. The definition
// below takes the place of mbedTLS's for every caller in the process (an executable's
// symbols come first in the dynamic linker's lookup), so the bundle is not read and the
// chain stays empty. A TLS connection made through libgit2 would then fail to verify any
// server, which is the safe way to fail.

struct mbedtls_x509_crt;

/// Loads nothing and reports success (0).
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

#endif

#include "CGit2Local.h"

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    (void)chain;
    (void)path;
    return 0;
}

// A stand-in for "libssl.so" that lets Debian 12's CivetWeb 1.15 use OpenSSL 3.
//
// CivetWeb loads OpenSSL at run time (dlopen("libssl.so"), then dlsym of each
// function it needs) and refuses TLS when one is missing. It asks for
// SSL_get_peer_certificate, which OpenSSL 3 no longer exports (it became a
// macro for SSL_get1_peer_certificate; upstream civetweb issue #1334), so
// Debian's libcivetweb has no working TLS as shipped.
//
// This library's soname is "libssl.so" and it links the real libssl.so.3.
// chatd loads it by path before CivetWeb starts; CivetWeb's dlopen("libssl.so")
// then finds it already loaded (the dynamic loader matches sonames), and its
// dlsym calls search this library and then its dependencies: every function
// comes from the real OpenSSL, except the one defined here.

#include <openssl/ssl.h>

extern "C" {

// The OpenSSL 1.1 function, with its meaning: the peer's certificate with its
// reference count raised (SSL_get1_ says so in the name).
__attribute__((visibility("default"))) X509* chatd_SSL_get_peer_certificate(const SSL* ssl) asm(
    "SSL_get_peer_certificate");
X509* chatd_SSL_get_peer_certificate(const SSL* ssl) { return SSL_get1_peer_certificate(ssl); }
}

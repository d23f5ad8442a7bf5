#pragma once
// Loads chatd's TLS certificate and private key into the OpenSSL context that
// CivetWeb creates for its https port (CivetWeb's own loader wants both in one
// file; chatd takes them as two, as certbot and most CAs hand them out).

#include <filesystem>

#include "codec/result.hpp"

namespace chatd::transport {

struct TlsFiles {
  std::filesystem::path certificate;  // PEM: the server's certificate first, then any intermediates
  std::filesystem::path private_key;  // PEM, unencrypted
};

// Installs the certificate chain and key into `ssl_ctx` (an SSL_CTX*).
// Fails, with a message for the operator, when a file cannot be read, holds
// no certificate or key, the key does not belong to the certificate, or the
// certificate is expired or not yet valid.
codec::Result<void, codec::Failure> load_tls_certificate(void* ssl_ctx, const TlsFiles& files);

}  // namespace chatd::transport

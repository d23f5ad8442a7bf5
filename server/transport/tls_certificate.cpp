#include "transport/tls_certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace chatd::transport {

namespace {

// OpenSSL's reasons, oldest first, emptying its error queue.
std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no detail from OpenSSL" : text;
}

codec::Result<void, codec::Failure> check_readable(const char* flag, const std::filesystem::path& path) {
  std::ifstream file(path);
  if (!file) {
    return codec::Failure{std::string("cannot read ") + flag + " " + path.string() + ": " + std::strerror(errno)};
  }
  return {};
}

}  // namespace

codec::Result<void, codec::Failure> load_tls_certificate(void* ssl_ctx, const TlsFiles& files) {
  using codec::Failure;
  auto* context = static_cast<SSL_CTX*>(ssl_ctx);
  if (auto readable = check_readable("--cert", files.certificate); !readable) return readable;
  if (auto readable = check_readable("--key", files.private_key); !readable) return readable;
  ERR_clear_error();
  // An encrypted key fails with a message instead of prompting on the terminal.
  SSL_CTX_set_default_passwd_cb(context, [](char*, int, int, void*) { return 0; });
  if (SSL_CTX_use_certificate_chain_file(context, files.certificate.c_str()) != 1) {
    return Failure{"--cert " + files.certificate.string() + " holds no usable PEM certificate: " + openssl_errors()};
  }
  // OpenSSL checks here already that the key belongs to the certificate.
  if (SSL_CTX_use_PrivateKey_file(context, files.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    return Failure{"--key " + files.private_key.string() +
                   (mismatch ? " does not belong to the certificate in --cert " + files.certificate.string()
                             : std::string(" holds no usable unencrypted PEM private key")) +
                   ": " + openssl_errors()};
  }
  if (SSL_CTX_check_private_key(context) != 1) {
    return Failure{"--key " + files.private_key.string() + " does not belong to the certificate in --cert " +
                   files.certificate.string() + ": " + openssl_errors()};
  }
  // Browsers refuse such a certificate; better to say so at start than to
  // serve a site nobody can open.
  const X509* certificate = SSL_CTX_get0_certificate(context);
  if (X509_cmp_current_time(X509_get0_notAfter(certificate)) <= 0) {
    return Failure{"the certificate in --cert " + files.certificate.string() + " has expired"};
  }
  if (X509_cmp_current_time(X509_get0_notBefore(certificate)) >= 0) {
    return Failure{"the certificate in --cert " + files.certificate.string() + " is not valid yet"};
  }
  // Modern protocol versions only; CivetWeb sets the same by default
  // (ssl_protocol_version 4), but this callback replaces its setup.
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  return {};
}

}  // namespace chatd::transport

#pragma once
// A throw-away TLS certificate for one test, made with OpenSSL's API at run
// time (nothing secret is ever committed): an EC P-256 key and a self-signed
// certificate for 127.0.0.1 and localhost, written as PEM files.

#include <filesystem>
#include <string>

namespace chat_it {

struct SelfSignedCertificate {
  std::filesystem::path certificate_file;
  std::filesystem::path key_file;
  std::string certificate_pem;  // what a client trusts

  // Writes <dir>/<name>.crt and <dir>/<name>.key. The certificate is valid
  // from `valid_from_s` to `valid_until_s` seconds from now (both may be
  // negative: an expired one).
  static SelfSignedCertificate create(const std::filesystem::path& dir, const std::string& name = "chatd",
                                      long valid_from_s = -3600, long valid_until_s = 86400);
};

}  // namespace chat_it

#include "self_signed_certificate.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>

namespace chat_it {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* pointer) const { Free(pointer); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("making the test certificate failed at ") + what);
}

void add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  require(extension && X509_add_ext(certificate, extension.get(), -1) == 1, value);
}

template <typename Write>
std::string pem(Write write) {
  Bio bio(BIO_new(BIO_s_mem()));
  require(bio && write(bio.get()) == 1, "PEM encoding");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

SelfSignedCertificate SelfSignedCertificate::create(const std::filesystem::path& dir, const std::string& name,
                                                    long valid_from_s, long valid_until_s) {
  Key key(EVP_EC_gen("P-256"));
  require(key != nullptr, "key generation");
  Certificate certificate(X509_new());
  require(certificate != nullptr, "X509_new");
  require(X509_set_version(certificate.get(), 2) == 1, "version");
  require(ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1) == 1, "serial number");
  require(X509_gmtime_adj(X509_getm_notBefore(certificate.get()), valid_from_s) != nullptr, "notBefore");
  require(X509_gmtime_adj(X509_getm_notAfter(certificate.get()), valid_until_s) != nullptr, "notAfter");
  require(X509_set_pubkey(certificate.get(), key.get()) == 1, "public key");
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  require(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"),
                                     -1, -1, 0) == 1,
          "subject");
  require(X509_set_issuer_name(certificate.get(), subject) == 1, "issuer");
  add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(certificate.get(), NID_ext_key_usage, "serverAuth");
  add_extension(certificate.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  require(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0, "signing");

  SelfSignedCertificate out;
  out.certificate_file = dir / (name + ".crt");
  out.key_file = dir / (name + ".key");
  out.certificate_pem = pem([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
  write_file(out.certificate_file, out.certificate_pem);
  write_file(out.key_file, pem([&](BIO* bio) {
               return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
             }));
  return out;
}

}  // namespace chat_it

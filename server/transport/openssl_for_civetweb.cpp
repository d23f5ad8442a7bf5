#include "transport/openssl_for_civetweb.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace chatd::transport {

codec::Result<void, codec::Failure> load_openssl_for_civetweb() {
  std::error_code error;
  const auto binary = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return codec::Failure{"cannot find the chatd binary's folder: " + error.message()};
  const auto shim = binary.parent_path() / "libchatd_openssl3_shim.so";
  // Never closed: CivetWeb keeps using it until the process exits.
  if (!dlopen(shim.c_str(), RTLD_NOW | RTLD_LOCAL)) {
    const char* reason = dlerror();
    return codec::Failure{
        "cannot load " + shim.string() +
        " (built beside chatd; CivetWeb needs it for TLS with OpenSSL 3): " + (reason ? reason : "unknown error")};
  }
  return {};
}

}  // namespace chatd::transport

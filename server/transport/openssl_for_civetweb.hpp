#pragma once
// Makes OpenSSL 3 loadable by Debian's CivetWeb 1.15 before it starts TLS:
// loads libchatd_openssl3_shim.so from the folder of the chatd binary (see
// openssl3_shim/openssl3_shim.cpp for why). Call before mg_init_library.

#include <optional>
#include <string>

namespace chatd::transport {

// A message for the operator when the shim cannot be loaded.
std::optional<std::string> load_openssl_for_civetweb();

}  // namespace chatd::transport

#pragma once
// Makes OpenSSL 3 loadable by Debian's CivetWeb 1.15 before it starts TLS:
// loads libchatd_openssl3_shim.so from the folder of the chatd binary (see
// openssl3_shim/openssl3_shim.cpp for why). Call before mg_init_library.

#include "codec/result.hpp"

namespace chatd::transport {

// Fails, with a message for the operator, when the shim cannot be loaded.
codec::Result<void, codec::Failure> load_openssl_for_civetweb();

}  // namespace chatd::transport

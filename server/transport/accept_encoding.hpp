#pragma once
// Reads a request's Accept-Encoding header (RFC 9110, 12.5.3), for serving
// the pre-compressed copies of static files.

#include <string_view>

namespace chatd::transport {

struct AcceptedEncodings {
  bool brotli = false;
  bool gzip = false;
};

// Which of the encodings chatd keeps copies in the client accepts: named, or
// covered by "*", with a q-value above 0. A missing or empty header accepts
// neither (the identity is always acceptable). Malformed parts are ignored.
AcceptedEncodings parse_accept_encoding(std::string_view header);

}  // namespace chatd::transport

#pragma once
// The security headers of chatd's HTTP responses, in one place so that the
// page, the API and the tests agree.

#include <string>

namespace chatd::transport {

struct HttpHeader {
  const char* name;
  const char* value;
};

// The page's policy: its own scripts, styles, images and connections (the
// WASM client's chat.wasm, Socket.IO's polling requests and its
// WebSocket: 'self' covers ws:/wss: to the same host), WebAssembly compiled
// from those scripts ('wasm-unsafe-eval'), and nothing else: no inline code,
// no plugins, no <base>, no form posts, no framing.
inline constexpr const char* kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// Every static file and CivetWeb's own error pages.
inline constexpr HttpHeader kPageHeaders[] = {
    {"Content-Security-Policy", kPageContentSecurityPolicy},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
};

// JSON and Engine.IO payloads (/healthz, /socket.io/): never rendered as a
// document, never cached. No CORP here: pages of --allowed-origins poll too.
inline constexpr HttpHeader kApiHeaders[] = {
    {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"},
};

// "Name: value" lines joined by CRLF, without a final one (CivetWeb's
// additional_header option, and raw responses add their own).
template <typename Headers>
std::string header_lines(const Headers& headers) {
  std::string lines;
  for (const auto& header : headers) {
    if (!lines.empty()) lines += "\r\n";
    lines += std::string(header.name) + ": " + header.value;
  }
  return lines;
}

}  // namespace chatd::transport

#pragma once
// Which web pages may open a Socket.IO connection. Browsers send the page's
// origin; without a check, any site a user visits could chat in their name.
// Allowed: no Origin header (not a browser), the server's own origin (the
// Origin's host equals the Host header), localhost, and configured origins.

#include <string>
#include <string_view>
#include <vector>

namespace chatd::transport {

class OriginPolicy {
 public:
  // Exact origins such as "https://chat.example.com"; "*" allows every origin.
  explicit OriginPolicy(std::vector<std::string> allowed = {});

  // `origin`: the Origin header (empty when absent); `host`: the Host header.
  bool allows(std::string_view origin, std::string_view host) const;

 private:
  std::vector<std::string> allowed_;
  bool allow_all_ = false;
};

}  // namespace chatd::transport

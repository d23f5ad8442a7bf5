#include "transport/origin_policy.hpp"

#include <algorithm>
#include <cctype>

namespace chatd::transport {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "host:port" of "scheme://host:port", or empty when it is not that shape.
std::string_view authority_of(std::string_view origin) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const auto authority = origin.substr(scheme_end + 3);
  return authority.find('/') == std::string_view::npos ? authority : std::string_view{};
}

// The host of "host:port" or "[v6]:port".
std::string_view host_of(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {
  allow_all_ = std::find(allowed_.begin(), allowed_.end(), "*") != allowed_.end();
}

bool OriginPolicy::allows(std::string_view origin, std::string_view host) const {
  if (origin.empty() || allow_all_) return true;
  for (const auto& allowed : allowed_) {
    if (equal_ignoring_case(origin, allowed)) return true;
  }
  const auto authority = authority_of(origin);
  if (authority.empty()) return false;  // "null" (sandboxed pages, files) and malformed origins
  if (!host.empty() && equal_ignoring_case(authority, host)) return true;
  const auto origin_host = host_of(authority);
  return equal_ignoring_case(origin_host, "localhost") || origin_host == "127.0.0.1" || origin_host == "[::1]";
}

}  // namespace chatd::transport

#include "transport/accept_encoding.hpp"

#include <optional>

namespace chatd::transport {

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// RFC 9110's qvalue: "0" [ "." 0*3DIGIT ] or "1" [ "." 0*3("0") ]. Whether
// the weight accepts (is above 0); nullopt when it is not a weight at all.
std::optional<bool> weight_accepts(std::string_view parameter) {
  parameter = trim(parameter);
  if (parameter.size() < 3 || (parameter[0] != 'q' && parameter[0] != 'Q') || parameter[1] != '=') return std::nullopt;
  const std::string_view value = trim(parameter.substr(2));
  if (value.empty() || (value[0] != '0' && value[0] != '1') || value.size() > 5) return std::nullopt;
  if (value.size() > 1 && value[1] != '.') return std::nullopt;
  bool nonzero_fraction = false;
  for (std::size_t i = 2; i < value.size(); ++i) {
    if (value[i] < '0' || value[i] > '9') return std::nullopt;
    nonzero_fraction = nonzero_fraction || value[i] != '0';
  }
  if (value[0] == '1') return nonzero_fraction ? std::nullopt : std::optional<bool>(true);
  return nonzero_fraction;
}

}  // namespace

AcceptedEncodings parse_accept_encoding(std::string_view header) {
  std::optional<bool> brotli, gzip, any;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    bool accepts = true;
    const auto semicolon = part.find(';');
    if (semicolon != std::string_view::npos) {
      const auto weight = weight_accepts(part.substr(semicolon + 1));
      if (!weight) continue;  // malformed: as if absent
      accepts = *weight;
      part = part.substr(0, semicolon);
    }
    const std::string_view coding = trim(part);
    if (equals_ignoring_case(coding, "br"))
      brotli = accepts;
    else if (equals_ignoring_case(coding, "gzip") || equals_ignoring_case(coding, "x-gzip"))
      gzip = accepts;
    else if (coding == "*")
      any = accepts;
  }
  // A coding named explicitly wins over "*".
  return AcceptedEncodings{brotli.value_or(any.value_or(false)), gzip.value_or(any.value_or(false))};
}

}  // namespace chatd::transport

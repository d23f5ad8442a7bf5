#include "cluster/stream_id.hpp"

#include <charconv>

namespace chatd::cluster {

std::optional<StreamId> StreamId::parse(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == text.size()) return std::nullopt;
  StreamId id;
  const auto field = [](std::string_view digits, std::uint64_t& out) {
    if (digits.empty() || digits.front() < '0' || digits.front() > '9') return false;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
    return ec == std::errc{} && end == digits.data() + digits.size();
  };
  if (!field(text.substr(0, dash), id.ms) || !field(text.substr(dash + 1), id.seq)) return std::nullopt;
  return id;
}

std::string StreamId::to_string() const { return std::to_string(ms) + "-" + std::to_string(seq); }

}  // namespace chatd::cluster

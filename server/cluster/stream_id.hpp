#pragma once
// A Redis stream entry id, "<ms>-<seq>": the offsets of cluster mode.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chatd::cluster {

struct StreamId {
  std::uint64_t ms = 0;
  std::uint64_t seq = 0;

  // Exactly "<digits>-<digits>" (what the adapter's restoreSession accepts).
  static std::optional<StreamId> parse(std::string_view text);
  std::string to_string() const;
  // The smallest id after this one: XRANGE's start for "after", which
  // Redis 7.0 also takes as "(" but the adapter writes this way.
  StreamId next() const { return seq == UINT64_MAX ? StreamId{ms + 1, 0} : StreamId{ms, seq + 1}; }
  auto operator<=>(const StreamId&) const = default;
};

}  // namespace chatd::cluster

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace chatd::chat {

// The chat's settings: the service's and its connection state recovery's.
struct ChatConfig {
  std::size_t history_on_join = 100;
  // Nickname and message attempts per client: `rate_limit` a second on
  // average, bursts of `rate_burst`; 0: no limit.
  std::uint32_t rate_limit = 0;
  std::uint32_t rate_burst = 20;
  // How long a dropped client may resume as the member it was; zero turns
  // connection state recovery off (no recovery tokens, no offsets on broadcasts).
  std::chrono::milliseconds recovery_window{std::chrono::minutes(2)};
  // Departed members kept for resuming at once; beyond it the oldest go.
  std::size_t max_resumable_members = 10'000;

  bool operator==(const ChatConfig&) const = default;
};

}  // namespace chatd::chat

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "defaults.hpp"

namespace chatd::chat {

// The chat's settings: the service's and its connection state recovery's.
// Defaults as chatd's options have them (defaults.hpp).
struct ChatConfig {
  std::size_t history_on_join = defaults::kHistory;
  // Nickname, message and history attempts per client: `rate_limit` a second on
  // average, bursts of `rate_burst`; 0: no limit.
  std::uint32_t rate_limit = defaults::kRateLimit;
  std::uint32_t rate_burst = defaults::kRateBurst;
  // How long a dropped client may resume as the member it was; zero turns
  // connection state recovery off (no recovery tokens, no offsets on broadcasts).
  std::chrono::milliseconds recovery_window = defaults::kRecoveryWindow;
  // Departed members kept for resuming at once; beyond it the oldest go.
  // Not an option: it only bounds the memory that departed members hold.
  std::size_t max_resumable_members = 10'000;

  bool operator==(const ChatConfig&) const = default;
};

}  // namespace chatd::chat

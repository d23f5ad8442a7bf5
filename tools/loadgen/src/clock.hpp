#pragma once
// The one clock of a run: monotonic nanoseconds. Send times ride in message
// texts with it, so that latency is measured across all receivers.
#include <chrono>
#include <cstdint>

namespace loadgen {

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
  return static_cast<double>(to_ns - from_ns) / 1e9;
}

}  // namespace loadgen

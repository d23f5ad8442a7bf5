#pragma once

#include <chrono>
#include <cstdint>

namespace chatd::chat {

// Milliseconds since the epoch: message timestamps and departure times, which
// outlive a restart of chatd (hence the system clock, not a steady one).
inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace chatd::chat

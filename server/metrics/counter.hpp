#pragma once
// A monotonic counter for /metrics. Incremented on hot paths (the broadcast
// path among them), so it is one relaxed atomic on a cache line of its own:
// counters bumped by different threads must not share a line.

#include <atomic>
#include <cstdint>

namespace chatd::metrics {

class alignas(64) Counter {
 public:
  void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

}  // namespace chatd::metrics

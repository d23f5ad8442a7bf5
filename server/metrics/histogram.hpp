#pragma once
// A Prometheus-style histogram with fixed bucket bounds: observe() is a short
// scan of the bounds and two relaxed atomic additions, with no lock.

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace chatd::metrics {

struct HistogramSnapshot {
  std::vector<double> upper_bounds;       // ascending; +Inf is implied
  std::vector<std::uint64_t> cumulative;  // per bound, then one more for +Inf (== count)
  double sum = 0;
  std::uint64_t count() const { return cumulative.empty() ? 0 : cumulative.back(); }
};

class Histogram {
 public:
  // `upper_bounds` must be ascending; values above the last land in +Inf.
  explicit Histogram(std::initializer_list<double> upper_bounds);

  void observe(double value);
  HistogramSnapshot snapshot() const;

 private:
  const std::vector<double> upper_bounds_;
  // One slot per bound plus +Inf; not cumulative (that is computed on read).
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

}  // namespace chatd::metrics

#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

int Histogram::index(std::int64_t micros) {
  if (micros < 0) micros = 0;
  if (micros < kLinear) return static_cast<int>(micros);
  const auto v = static_cast<std::uint64_t>(micros);
  const int octave = static_cast<int>(std::bit_width(v)) - 11;  // 0 for [1024, 2048)
  if (octave >= kOctaves) return kLinear + kSub * kOctaves - 1;
  const auto sub = static_cast<int>((v >> (octave + 4)) & (kSub - 1));
  return kLinear + octave * kSub + sub;
}

std::int64_t Histogram::upper(int i) {
  if (i < kLinear) return i;
  const int octave = (i - kLinear) / kSub;
  const int sub = (i - kLinear) % kSub;
  const std::int64_t base = std::int64_t{1024} << octave;
  const std::int64_t step = std::int64_t{16} << octave;
  return base + (sub + 1) * step - 1;
}

void Histogram::record(std::int64_t micros) {
  ++buckets_[static_cast<std::size_t>(index(micros))];
  ++count_;
  max_ = std::max(max_, micros);
}

std::int64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return std::min(upper(static_cast<int>(i)), max_);
  }
  return max_;
}

}  // namespace loadgen

#include "frame_times.hpp"

#include <algorithm>
#include <cstdio>

namespace chat_web {

void FrameTimes::record(double start_ms, double built_ms, double submitted_ms, unsigned causes) {
  frames_[count_ % kCapacity] =
      Frame{static_cast<float>(built_ms - start_ms), static_cast<float>(submitted_ms - built_ms), causes};
  ++count_;
}

std::string FrameTimes::json_since(std::uint64_t from) const {
  const std::uint64_t oldest = count_ > kCapacity ? count_ - kCapacity : 0;
  std::string json = "{\"count\":" + std::to_string(count_) + ",\"frames\":[";
  for (std::uint64_t i = std::max(from, oldest); i < count_; ++i) {
    const Frame& frame = frames_[i % kCapacity];
    char text[80];
    std::snprintf(text, sizeof text, "%s[%llu,%.3f,%.3f,%u]", i == std::max(from, oldest) ? "" : ",",
                  static_cast<unsigned long long>(i), static_cast<double>(frame.work_ms),
                  static_cast<double>(frame.gl_ms), frame.causes);
    json += text;
  }
  json += "]}";
  return json;
}

}  // namespace chat_web

#pragma once
// What a run counts while frames come and go, whatever its phase; the result
// line reports it. The load phases also keep their measurement window here:
// what is sent, acked and delivered inside it is what they report.
#include <cstdint>
#include <limits>
#include <string>

#include "histogram.hpp"

namespace loadgen {

struct Tally {
  std::string first_error;  // why the first client (or the pre-fill) failed to get ready
  std::uint64_t closed_by_server = 0;
  std::string first_close;
  std::uint64_t chat_errors = 0;
  std::string first_chat_error;
  std::uint64_t refused = 0;  // acks with an error
  std::string first_refusal;
  std::uint64_t nicknames_events = 0, announcements = 0;
  std::uint64_t sent_total = 0, acks_total = 0, deliveries_total = 0, history_deliveries = 0;

  // The current load phase.
  std::int64_t window_start_ns = std::numeric_limits<std::int64_t>::max();
  std::int64_t window_end_ns = std::numeric_limits<std::int64_t>::max();
  std::uint64_t sent_phase = 0, deliveries_phase = 0;
  std::uint64_t sent_window = 0, acks_window = 0, deliveries_window = 0;
  Histogram latency;  // microseconds, of messages sent inside the window

  bool in_window(std::int64_t ns) const { return ns >= window_start_ns && ns < window_end_ns; }
};

}  // namespace loadgen

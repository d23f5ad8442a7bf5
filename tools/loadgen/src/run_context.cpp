#include "run_context.hpp"

#include <cstdio>

#include "clock.hpp"

namespace loadgen {

void RunContext::log(const std::string& text) const {
  std::fprintf(stderr, "[loadgen %7.2fs] %s\n", seconds_between(run_start_ns, now_ns()), text.c_str());
}

void RunContext::send_message(Client& client, std::int64_t stamp) {
  client.send_message(stamp, options.message_size);
  ++tally.sent_total;
  ++tally.sent_phase;
  if (tally.in_window(stamp)) ++tally.sent_window;
}

}  // namespace loadgen

#include "chat_client/countdown.hpp"

#include <algorithm>

namespace chat_client {

std::string format_countdown(std::int64_t remaining_ms) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (remaining_ms + 999) / 1000);
  return std::to_string(seconds) + "s";
}

std::int64_t next_countdown_change_ms(std::int64_t at_ms, std::int64_t now_ms) {
  const std::int64_t remaining = at_ms - now_ms;
  if (remaining <= 1000) return std::max(at_ms, now_ms);
  // The text shows ceil(remaining / 1000) seconds: it drops by one as the
  // remaining time passes the next multiple of a second below it.
  const std::int64_t below = (remaining - 1) / 1000 * 1000;
  return at_ms - below;
}

}  // namespace chat_client

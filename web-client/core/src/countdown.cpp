#include "chat_client/countdown.hpp"

#include <algorithm>

namespace chat_client {

std::string format_countdown(std::int64_t remaining_ms) {
  const std::int64_t seconds = std::max<std::int64_t>(1, (remaining_ms + 999) / 1000);
  return std::to_string(seconds) + "s";
}

}  // namespace chat_client

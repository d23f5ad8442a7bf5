#include "chat_client/history_pager.hpp"

#include "codec/chat_events.hpp"

namespace chat_client {

HistoryPager::HistoryPager(std::size_t kept_lines, std::size_t max_lines)
    : kept_lines_(kept_lines), max_lines_(max_lines) {}

bool HistoryPager::should_request(std::size_t lines) const {
  // A page that would not fit under the cap would push out the very lines
  // the reader is looking at.
  return !in_flight_ && !exhausted_ && lines + codec::events::kHistoryPageSize <= max_lines_;
}

void HistoryPager::answered(bool more) {
  in_flight_.reset();
  exhausted_ = !more;
}

}  // namespace chat_client

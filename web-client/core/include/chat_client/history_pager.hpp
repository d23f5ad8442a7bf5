#pragma once
// Older history on demand: when the reader reaches the top of the log, the
// client asks the server for the page of messages before the oldest one
// shown ("history" with {before}), one request at a time, until the server
// says there is no more. The log stays bounded: no page is asked for once
// the log is near its cap, and when the reader is back at the bottom the
// oldest lines are dropped down to `kept_lines`, to be paged in again later.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace chat_client {

class HistoryPager {
 public:
  // `kept_lines`: what the log is trimmed to at the bottom; `max_lines`: the
  // model's cap, which a page must fit under.
  HistoryPager(std::size_t kept_lines, std::size_t max_lines);

  // Whether to ask now, with a log of `lines` lines: nothing in flight, older
  // messages may exist, and a page fits.
  bool should_request(std::size_t lines) const;
  void requested(std::uint64_t ack_id) { in_flight_ = ack_id; }
  bool is_in_flight(std::uint64_t ack_id) const { return in_flight_ == ack_id; }
  bool loading() const { return in_flight_.has_value(); }

  // The answer: `more` says whether older messages exist.
  void answered(bool more);
  // Refused (the rate limit, a read error) or lost with the connection: may
  // be asked again later.
  void failed() { in_flight_.reset(); }

  // How many of `lines` to keep when the reader is at the bottom; fewer lines
  // than that: all of them. Dropping lines means older ones exist again.
  std::size_t keep_at_bottom(std::size_t lines) const { return lines > kept_lines_ ? kept_lines_ : lines; }
  void trimmed() { exhausted_ = false; }

  bool exhausted() const { return exhausted_; }

 private:
  std::size_t kept_lines_;
  std::size_t max_lines_;
  std::optional<std::uint64_t> in_flight_;
  bool exhausted_ = false;  // the server said "more": false, and nothing was dropped since
};

}  // namespace chat_client

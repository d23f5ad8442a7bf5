#pragma once
// The recent broadcast events of this run of chatd, in order, so that a
// client resuming as the member it was gets exactly those it missed. Bounded
// in age, count and bytes: a client that missed more joins afresh instead.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace chatd::chat {

class BroadcastLog {
 public:
  struct Entry {
    std::uint64_t seq = 0;
    std::int64_t at = 0;           // ms since the epoch
    std::int64_t skip_author = 0;  // the author the broadcast left out (0: none)
    std::string packet;            // encoded, with its offset argument
    std::size_t bytes = 0;         // about what it holds, for the byte bound
  };

  BroadcastLog(std::size_t max_entries, std::size_t max_bytes) : max_entries_(max_entries), max_bytes_(max_bytes) {}

  // `seq` follows the previous entry's by one.
  void append(Entry entry);
  // Drops entries older than `oldest` (ms).
  void trim(std::int64_t oldest);

  // The entries after `seq`, or nothing when some of them were dropped.
  std::optional<std::vector<const Entry*>> after(std::uint64_t seq) const;
  // Whether every broadcast of this run is still here.
  bool complete() const { return dropped_ == 0; }
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  void drop_first();

  const std::size_t max_entries_;
  const std::size_t max_bytes_;
  std::deque<Entry> entries_;
  std::size_t bytes_ = 0;
  std::uint64_t dropped_ = 0;  // how many of the first entries are gone
};

}  // namespace chatd::chat

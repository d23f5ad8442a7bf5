#include "chat/broadcast_log.hpp"

namespace chatd::chat {

void BroadcastLog::append(Entry entry) {
  bytes_ += entry.bytes;
  entries_.push_back(std::move(entry));
  while (entries_.size() > max_entries_ || bytes_ > max_bytes_) drop_first();
}

void BroadcastLog::trim(std::int64_t oldest) {
  while (!entries_.empty() && entries_.front().at < oldest) drop_first();
}

void BroadcastLog::drop_first() {
  bytes_ -= entries_.front().bytes;
  entries_.pop_front();
  ++dropped_;
}

std::optional<std::vector<const BroadcastLog::Entry*>> BroadcastLog::after(std::uint64_t seq) const {
  // Seqs start at 1 and have no gaps, so entry i holds seq dropped_ + 1 + i.
  if (seq < dropped_) return std::nullopt;
  const std::uint64_t total = dropped_ + entries_.size();
  if (seq > total) return std::nullopt;  // from the future: not ours
  std::vector<const Entry*> missed;
  missed.reserve(static_cast<std::size_t>(total - seq));
  for (auto i = static_cast<std::size_t>(seq - dropped_); i < entries_.size(); ++i) missed.push_back(&entries_[i]);
  return missed;
}

}  // namespace chatd::chat

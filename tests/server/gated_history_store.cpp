#include "gated_history_store.hpp"

void GatedHistoryStore::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
}

void GatedHistoryStore::open() {
  {
    std::lock_guard lock(mutex_);
    closed_ = false;
  }
  changed_.notify_all();
}

bool GatedHistoryStore::wait_for_held_read(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return held_ > 0; });
}

bool GatedHistoryStore::holding() {
  std::lock_guard lock(mutex_);
  return held_ > 0;
}

chatd::store::ReadResult GatedHistoryStore::before(std::int64_t id, std::size_t limit) {
  {
    std::unique_lock lock(mutex_);
    ++held_;
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::seconds(5), [this] { return !closed_; });
    --held_;
  }
  return store_.before(id, limit);
}

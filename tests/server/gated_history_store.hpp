#pragma once
// A HistoryStore that forwards to another and can hold before() open: a test
// closes the gate, and each page read then waits (at most a few seconds, so a
// broken test ends) until the gate opens again. It shows what the chat service
// can still do while a client's page is being read.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "store/history_store.hpp"

class GatedHistoryStore final : public chatd::store::HistoryStore {
 public:
  explicit GatedHistoryStore(chatd::store::HistoryStore& store) : store_(store) {}

  void close();
  void open();
  // Waits until a page read is held at the closed gate; false after `timeout`.
  bool wait_for_held_read(std::chrono::milliseconds timeout);
  // Whether a page read is held at the gate now.
  bool holding();

  void append(chatd::store::NewMessage message, AppendCallback done) override {
    store_.append(std::move(message), std::move(done));
  }
  std::vector<chatd::store::StoredMessage> recent(std::size_t limit) override { return store_.recent(limit); }
  std::vector<chatd::store::StoredMessage> range(std::int64_t after, std::int64_t up_to, std::size_t limit) override {
    return store_.range(after, up_to, limit);
  }
  chatd::store::ReadResult before(std::int64_t id, std::size_t limit) override;
  void flush() override { store_.flush(); }
  ::codec::Result<void, ::codec::Failure> check_writable(std::chrono::milliseconds timeout) override {
    return store_.check_writable(timeout);
  }

 private:
  chatd::store::HistoryStore& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool closed_ = false;
  int held_ = 0;
};

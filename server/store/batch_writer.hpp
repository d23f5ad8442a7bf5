#pragma once
// One writer thread that takes queued items in the order they came, in
// batches of at most `max_batch`, and hands each batch to `write`: the
// SQLite stores' group commit (one transaction a batch), so that callers on
// other threads never wait for the database and may hold their own locks.

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <iterator>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace chatd::store {

template <typename Item>
class BatchWriter {
 public:
  using Write = std::function<void(std::vector<Item>& batch)>;

  // Starts the thread. Whatever `write` uses must outlive this object: the
  // owner declares it after those members, so that it stops first.
  BatchWriter(std::size_t max_batch, Write write)
      : max_batch_(std::max<std::size_t>(max_batch, 1)),
        write_(std::move(write)),
        thread_([this](std::stop_token stop) { run(stop); }) {}

  // Writes what is still queued, then joins.
  ~BatchWriter() = default;
  BatchWriter(BatchWriter&&) = delete;

  // Queues `item`; false (and the item not taken) once the writer is stopping.
  bool push(Item&& item) {
    {
      std::lock_guard lock(mutex_);
      if (thread_.get_stop_token().stop_requested()) return false;
      queue_.push_back(std::move(item));
    }
    ready_.notify_one();
    return true;
  }

  // Waits until every item queued so far has been written.
  void flush() {
    std::unique_lock lock(mutex_);
    drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
  }

  // Runs `task` with every queued item written and the writer held off, e.g.
  // to use the writer's connection from another thread.
  template <typename Task>
  decltype(auto) exclusive(Task&& task) {
    std::unique_lock lock(mutex_);
    drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
    return std::forward<Task>(task)();
  }

 private:
  void run(std::stop_token stop) {
    std::vector<Item> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, stop, [this] { return !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        const auto count = static_cast<std::ptrdiff_t>(std::min(queue_.size(), max_batch_));
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + count));
        queue_.erase(queue_.begin(), queue_.begin() + count);
        busy_ = true;
      }
      write_(batch);
      batch.clear();
      {
        std::lock_guard lock(mutex_);
        busy_ = false;
      }
      drained_.notify_all();
    }
  }

  const std::size_t max_batch_;
  const Write write_;
  std::mutex mutex_;
  std::condition_variable_any ready_;  // also woken when the thread is asked to stop
  std::condition_variable drained_;
  std::deque<Item> queue_;
  bool busy_ = false;    // a batch is being written
  std::jthread thread_;  // last: stopped and joined before the rest goes
};

}  // namespace chatd::store

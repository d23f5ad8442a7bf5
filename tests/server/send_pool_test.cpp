#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engineio/send_pool.hpp"
#include "engineio/session.hpp"

using chatd::eio::DeferredScheduling;
using chatd::eio::Frame;
using chatd::eio::FrameSink;
using chatd::eio::SendPool;
using chatd::eio::Session;

namespace {

// Records what the send threads wrote.
class RecordingSink final : public FrameSink {
 public:
  bool write(const Frame& frame) override {
    std::lock_guard lock(mutex_);
    written_.push_back(frame.bytes);
    changed_.notify_all();
    return true;
  }
  void close(std::uint16_t, std::string_view) override {}

  std::vector<std::string> written() {
    std::lock_guard lock(mutex_);
    return written_;
  }
  // Waits (bounded, generously) until `count` frames were written; returns them.
  std::vector<std::string> wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return written_.size() >= count; });
    return written_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> written_;
};

// A session whose frames the send threads write to a RecordingSink.
struct RecordedSession {
  std::shared_ptr<RecordingSink> sink;
  std::shared_ptr<Session> session;
};

RecordedSession recorded_session(SendPool& pool, std::size_t max_queued_bytes = 1 << 20) {
  auto sink = std::make_shared<RecordingSink>();
  return {sink, std::make_shared<Session>("s", sink, pool, max_queued_bytes, "127.0.0.1", nullptr)};
}

}  // namespace

TEST_CASE("Sessions made ready inside a DeferredScheduling are flushed once the outermost one ends") {
  SendPool pool(2);
  auto [sink_a, a] = recorded_session(pool);
  auto [sink_b, b] = recorded_session(pool);
  {
    DeferredScheduling outer;
    a->send(chatd::eio::make_frame("4one"));
    {
      DeferredScheduling inner;
      b->send(chatd::eio::make_frame("4two"));
    }
    a->send(chatd::eio::make_frame("4three"));
    // No send thread has heard of either session yet.
    CHECK(sink_a->written().empty());
    CHECK(sink_b->written().empty());
  }
  CHECK(sink_a->wait_for(2) == std::vector<std::string>{"4one", "4three"});
  CHECK(sink_b->wait_for(1) == std::vector<std::string>{"4two"});
  pool.stop();
}

TEST_CASE("Without a DeferredScheduling, a queued frame is flushed by the pool") {
  SendPool pool(1);
  auto [sink, session] = recorded_session(pool);
  session->send(chatd::eio::make_frame("4hello"));
  CHECK(sink->wait_for(1) == std::vector<std::string>{"4hello"});
  pool.stop();
}

TEST_CASE("A snapshot replaces the queued one not yet sent, after the events queued before it") {
  SendPool pool(1);
  auto [sink, session] = recorded_session(pool);
  {
    DeferredScheduling hold;  // nothing is flushed until it ends
    session->send(chatd::eio::make_frame("4event 1"));
    session->send(chatd::eio::make_snapshot_frame("4list a"));
    session->send(chatd::eio::make_frame("4event 2"));
    session->send(chatd::eio::make_snapshot_frame("4list a b"));
    session->send(chatd::eio::make_frame("4event 3"));
    session->send(chatd::eio::make_snapshot_frame("4list a b c"));
  }
  CHECK(sink->wait_for(4) == std::vector<std::string>{"4event 1", "4event 2", "4event 3", "4list a b c"});
  // Once written, a snapshot is not taken back: the next one is sent too.
  session->send(chatd::eio::make_snapshot_frame("4list a"));
  CHECK(sink->wait_for(5).back() == "4list a");
  pool.stop();
}

TEST_CASE("Replaced snapshots do not count against the queue bound") {
  SendPool pool(1);
  // Room for two 100-byte frames: forty snapshots fit because each replaces the last.
  auto [sink, session] = recorded_session(pool, 250);
  {
    DeferredScheduling hold;
    for (int i = 0; i < 40; ++i) CHECK(session->send(chatd::eio::make_snapshot_frame(std::string(100, 'x'))));
    CHECK_FALSE(session->closing());
  }
  CHECK(sink->wait_for(1).size() == 1);
  pool.stop();
}

TEST_CASE("A DeferredScheduling hands each session to its own pool when it ends") {
  SendPool pool_a(1);
  SendPool pool_b(1);
  auto [sink_a, a] = recorded_session(pool_a);
  auto [sink_b, b] = recorded_session(pool_b);
  {
    DeferredScheduling batch;
    a->send(chatd::eio::make_frame("4for a"));
    b->send(chatd::eio::make_frame("4for b"));
    // A stopped pool takes no more work: b's frame stays queued, while a's
    // goes out, so the scope did not hand b to a's pool.
    pool_b.stop();
  }
  CHECK(sink_a->wait_for(1) == std::vector<std::string>{"4for a"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(sink_b->written().empty());
  pool_a.stop();
}

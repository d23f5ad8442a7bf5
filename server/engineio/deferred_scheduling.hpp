#pragma once
// The one way to wake the send threads once per batch of frames.

#include <memory>
#include <vector>

namespace chatd::eio {

class SendPool;
class Session;

// While one is alive on a thread, the sessions that thread makes ready
// (SendPool::schedule) are only collected, and scheduled together -- one lock
// of each pool, one wake-up round -- when the outermost one ends. Scopes nest:
// a broadcast (N recipients cost one lock, not N) and the heartbeat's round of
// pings open one, and the SQLite writer opens one around the report of a whole
// committed batch (the acks and broadcasts of many messages). Each wake-up is
// a context switch; on a server confined to one core they were the largest
// cost of storing a message (profiled in S6).
class DeferredScheduling {
 public:
  DeferredScheduling();
  ~DeferredScheduling();
  // A scope: neither copied nor moved (no move also means no copy).
  DeferredScheduling(DeferredScheduling&&) = delete;

  // For SendPool::schedule: when a scope is alive on this thread, keeps the
  // sessions (moved out) for its end and returns true.
  static bool defer(SendPool& pool, std::shared_ptr<Session>& session);
  static bool defer(SendPool& pool, std::vector<std::shared_ptr<Session>>& sessions);

 private:
  bool outermost_;
};

}  // namespace chatd::eio

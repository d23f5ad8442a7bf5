#include "engineio/deferred_scheduling.hpp"

#include <utility>

#include "engineio/send_pool.hpp"
#include "engineio/session.hpp"

namespace chatd::eio {

namespace {

// The sessions made ready on this thread while a DeferredScheduling is alive.
struct Deferred {
  bool active = false;
  std::vector<std::pair<SendPool*, std::shared_ptr<Session>>> sessions;
};
thread_local Deferred deferred;

}  // namespace

DeferredScheduling::DeferredScheduling() : outermost_(!deferred.active) { deferred.active = true; }

DeferredScheduling::~DeferredScheduling() {
  if (!outermost_) return;
  deferred.active = false;
  auto ready = std::move(deferred.sessions);
  deferred.sessions.clear();
  // Nearly always one pool; group by pool without assuming it.
  while (!ready.empty()) {
    SendPool* pool = ready.front().first;
    std::vector<std::shared_ptr<Session>> sessions;
    std::erase_if(ready, [&](auto& entry) {
      if (entry.first != pool) return false;
      sessions.push_back(std::move(entry.second));
      return true;
    });
    pool->schedule(sessions);
  }
}

bool DeferredScheduling::defer(SendPool& pool, std::shared_ptr<Session>& session) {
  if (!deferred.active) return false;
  deferred.sessions.emplace_back(&pool, std::move(session));
  return true;
}

bool DeferredScheduling::defer(SendPool& pool, std::vector<std::shared_ptr<Session>>& sessions) {
  if (!deferred.active) return false;
  for (auto& session : sessions) deferred.sessions.emplace_back(&pool, std::move(session));
  sessions.clear();
  return true;
}

}  // namespace chatd::eio

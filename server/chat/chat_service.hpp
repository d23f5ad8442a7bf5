#pragma once
// The chat itself: nicknames, the online list, messages, announcements and
// history replay. It knows neither transports nor storage engines: it talks
// to participants through a ChatOutbox and keeps messages in a HistoryStore.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat/broadcast_log.hpp"
#include "chat/broadcast_offset.hpp"
#include "codec/chat_events.hpp"
#include "chat/chat_outbox.hpp"
#include "chat/client_id.hpp"
#include "metrics/metrics.hpp"
#include "chat/token_bucket.hpp"
#include "store/history_store.hpp"
#include "store/recovery_store.hpp"

namespace chatd::chat {

struct ChatConfig {
  std::size_t history_on_join = 100;
  // Nickname and message attempts per client: `rate_limit` a second on
  // average, bursts of `rate_burst`; 0: no limit.
  std::uint32_t rate_limit = 0;
  std::uint32_t rate_burst = 20;
  // How long a dropped client may resume as the member it was; zero turns
  // connection state recovery off (no recovery tokens, no offsets on broadcasts).
  std::chrono::milliseconds recovery_window{std::chrono::minutes(2)};
  // Departed members kept for resuming at once; beyond it the oldest go.
  std::size_t max_resumable_members = 10'000;
};

// What a reconnecting client presents to resume as the member it was.
struct ResumeRequest {
  std::string recovery_token;  // the private token it was given (Socket.IO's `pid`)
  std::string offset;          // the last broadcast offset it saw
};

class ChatService {
 public:
  // Receives the recovery token to hand the client (none when recovery is
  // off), before anything else is sent to it.
  using Welcome = std::function<void(const std::optional<std::string>& recovery_token)>;

  // `metrics`, when given, counts messages and deliveries and must outlive
  // the service.
  ChatService(ChatConfig config, store::HistoryStore& history, store::RecoveryStore& recovery_store, ChatOutbox& outbox,
              metrics::Metrics* metrics = nullptr);

  void connect(ClientId client) { connect(client, std::nullopt, [](const auto&) {}); }
  // Resumes the member when `resume` names one that left within the window
  // and whose missed broadcasts are all still known: the client gets its
  // nickname back and exactly those broadcasts. Returns whether it resumed.
  bool connect(ClientId client, const std::optional<ResumeRequest>& resume, const Welcome& welcome);
  // `resumable`: the connection was lost rather than closed on purpose.
  void disconnect(ClientId client, bool resumable = true);

  void on_nickname(ClientId client, const ::codec::events::NicknameRequest& request);
  void on_user_message(ClientId client, const ::codec::events::UserMessageRequest& request);

  // An event the protocol layer could not decode: answer with the reason,
  // through the ack when there is one, else with a "chat error" event.
  void refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
              const std::string& reason);


 private:
  struct Member {
    std::string nickname;  // empty until accepted
    std::string recovery_token;  // empty when recovery is off
    std::int64_t author = 0;     // 0 when recovery is off
    TokenBucket attempts;  // nickname and message attempts (rate limit)
  };
  struct Departed {
    std::int64_t author = 0;
    std::string nickname;
    std::int64_t left_at = 0;
  };

  bool recovery() const { return config_.recovery_window.count() > 0; }
  Member new_member(std::string nickname, std::string recovery_token, std::int64_t author) const;
  // Takes a token from the member's bucket; the refusal reason when there is none.
  std::optional<std::string> over_rate_limit(Member& member);  // counts refusals

  // Callers hold mutex_.
  std::vector<ClientId> joined_except(ClientId excluded) const;
  ::codec::events::Nicknames nicknames() const;
  void deliver_stored(ClientId sender, std::optional<std::uint64_t> ack_id, store::AppendResult result);
  // Tags the broadcast with its offset and keeps it for resuming members;
  // `skipped` is the author it leaves out (0: none).
  void publish(const std::vector<ClientId>& to, std::string packet, std::int64_t skipped);
  // The online list is state, not an event: it carries the current offset and
  // is not kept (a resumed client gets the list of the moment), and a client
  // that has not been sent the previous list yet gets only this one.
  void publish_nicknames(const std::vector<ClientId>& to);
  void keep_departed(const std::string& recovery_token, Departed departed);
  // Expires members who left before the window, and the oldest beyond the cap.
  void forget_departed(std::int64_t now);
  bool resume(ClientId client, const ResumeRequest& request, const Welcome& welcome);
  std::optional<std::vector<std::string>> missed_since(const BroadcastOffset& offset, std::int64_t author) const;
  // Adds to one of the counters, when there are metrics. A refusal by the
  // rate limiter is counted with: count(&metrics::Metrics::rate_limited);
  void count(metrics::Counter metrics::Metrics::*counter, std::uint64_t n = 1) {
    if (metrics_) (metrics_->*counter).add(n);
  }

  const ChatConfig config_;
  store::HistoryStore& history_;
  store::RecoveryStore& recovery_store_;
  ChatOutbox& outbox_;
  metrics::Metrics* const metrics_;

  // Guards the maps. Outbox calls happen under it: they only queue, and doing
  // them here keeps every recipient's order the same as the store's order.
  mutable std::mutex mutex_;
  std::unordered_map<ClientId, Member> members_;
  std::map<std::string, ClientId> by_nickname_;  // key: case-folded nickname
  // The last `history_on_join` delivered messages, oldest first: a join
  // replays from memory instead of reading the database under the lock.
  std::deque<store::StoredMessage> recent_;

  // Connection state recovery.
  const std::uint32_t boot_;               // names this run in offsets
  std::int64_t boot_last_message_ = 0;     // the last message stored before this run
  std::int64_t last_delivered_ = 0;        // the last message broadcast
  std::uint64_t seq_ = 0;                  // the last broadcast's number
  BroadcastLog log_;
  std::unordered_map<std::string, Departed> departed_;         // key: recovery token
  std::set<std::pair<std::int64_t, std::string>> departures_;  // (left_at, recovery token), oldest first
};

}  // namespace chatd::chat

#pragma once
// The chat itself: joining (a nickname, the history replay, the online list),
// leaving, sending messages, pages of older history, and resuming after a
// lost connection. It knows
// neither transports nor storage engines: it talks to participants through a
// ChatOutbox, keeps messages in a HistoryStore, and leaves what connection
// state recovery needs to keep to a Recovery.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat/chat_config.hpp"
#include "chat/chat_handler.hpp"
#include "chat/chat_outbox.hpp"
#include "chat/client_id.hpp"
#include "chat/member_keys.hpp"
#include "chat/recovery.hpp"
#include "chat/token_bucket.hpp"
#include "codec/chat_events.hpp"
#include "metrics/metrics.hpp"
#include "store/history_store.hpp"

namespace chatd::chat {

class ChatService final : public ChatHandler {
 public:
  // Receives the recovery token to hand the client (none when recovery is
  // off), before anything else is sent to it.
  using Welcome = std::function<void(const std::optional<std::string>& recovery_token)>;

  // Uses config.history_on_join and the rate limit; `recovery` has the
  // recovery settings. `metrics`, when given, counts messages and
  // deliveries. All of them must outlive the service.
  ChatService(ChatConfig config, store::HistoryStore& history, Recovery& recovery, ChatOutbox& outbox,
              metrics::Metrics* metrics = nullptr);

  void connect(ClientId client) {
    connect(client, std::nullopt, [](const auto&) {});
  }
  // Resumes the member when `resume` names one that left within the window
  // and whose missed broadcasts are all still known: the client gets its
  // nickname back and exactly those broadcasts. Returns whether it resumed.
  bool connect(ClientId client, const std::optional<ResumeRequest>& resume, const Welcome& welcome);
  // `resumable`: the connection was lost rather than closed on purpose.
  void disconnect(ClientId client, bool resumable = true);

  // ChatHandler: one process has no use for the socket id, and its answers
  // are never deferred.
  void open(ClientId client, const std::string& sid, const std::optional<ResumeRequest>& resume,
            Answer answer) override;
  void close(ClientId client, bool resumable) override { disconnect(client, resumable); }
  void on_nickname(ClientId client, const ::codec::events::NicknameRequest& request) override;
  void on_user_message(ClientId client, const ::codec::events::UserMessageRequest& request) override;
  // Answers with the page of (at most kHistoryPageSize) messages before
  // request.before, read from the store on the caller's thread, outside the
  // mutex: a page never delays the chat. Only messages already delivered to
  // the room. Members only; counts as an attempt.
  void on_history(ClientId client, const ::codec::events::HistoryRequest& request) override;
  void refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
              const std::string& reason) override;

 private:
  struct Member {
    std::string nickname;  // empty until accepted
    MemberKeys keys;       // empty when recovery is off
    TokenBucket attempts;  // nickname, message and history attempts (rate limit)
  };

  Member new_member(std::string nickname, MemberKeys keys) const;
  // Takes a token from the member's bucket (rate limit); the refusal, counted,
  // when there is none.
  ::codec::Result<void, ::codec::Failure> take_attempt(Member& member);

  // Callers hold mutex_.
  bool resume(ClientId client, const ResumeRequest& request, const Welcome& welcome);
  std::vector<ClientId> joined_except(ClientId excluded) const;
  ::codec::events::Nicknames nicknames() const;
  void deliver_stored(ClientId sender, std::optional<std::uint64_t> ack_id, store::AppendResult result);
  // Broadcasts an event, tagged and kept by recovery. `message_id`: the
  // stored message it delivers (0: none); `skipped`: the author it leaves
  // out (0: none).
  void publish(const std::vector<ClientId>& to, std::string packet, std::int64_t message_id, std::int64_t skipped);
  // The online list is state, not an event: it carries the current offset and
  // is not kept (a resumed client gets the list of the moment), and a client
  // that has not been sent the previous list yet gets only this one.
  void publish_nicknames(const std::vector<ClientId>& to);
  // Adds to one of the counters, when there are metrics. A refusal by the
  // rate limiter is counted with: count(&metrics::Metrics::rate_limited);
  void count(metrics::Counter metrics::Metrics::*counter, std::uint64_t n = 1) {
    if (metrics_) (metrics_->*counter).add(n);
  }

  const ChatConfig config_;
  store::HistoryStore& history_;
  Recovery& recovery_;
  ChatOutbox& outbox_;
  metrics::Metrics* const metrics_;

  // Guards the members and the replay copy, and is held for every call to
  // recovery_ (see recovery.hpp). Outbox calls happen under it: they only
  // queue, and doing them here keeps every recipient's order the same as the
  // store's order.
  mutable std::mutex mutex_;
  std::unordered_map<ClientId, Member> members_;
  std::map<std::string, ClientId> by_nickname_;  // key: case-folded nickname
  // The last `history_on_join` delivered messages, oldest first: a join
  // replays from memory instead of reading the database under the lock.
  std::deque<store::StoredMessage> recent_;
  // The id of the last message delivered (the store reports commits in id
  // order): pages of older history end there.
  std::int64_t delivered_up_to_ = 0;
};

}  // namespace chatd::chat

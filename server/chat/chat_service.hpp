#pragma once
// The chat itself: nicknames, the online list, messages, announcements and
// history replay. It knows neither transports nor storage engines: it talks
// to participants through a ChatOutbox and keeps messages in a HistoryStore.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat/chat_events.hpp"
#include "chat/chat_outbox.hpp"
#include "chat/client_id.hpp"
#include "chat/token_bucket.hpp"
#include "store/history_store.hpp"

namespace chatd::chat {

struct ChatConfig {
  std::size_t history_on_join = 100;
  // Nickname and message attempts per client: `rate_limit` a second on
  // average, bursts of `rate_burst`; 0: no limit.
  std::uint32_t rate_limit = 0;
  std::uint32_t rate_burst = 20;
};

class ChatService {
 public:
  ChatService(ChatConfig config, store::HistoryStore& history, ChatOutbox& outbox);

  void connect(ClientId client);
  void disconnect(ClientId client);

  void on_nickname(ClientId client, const ::chat::events::NicknameRequest& request);
  void on_user_message(ClientId client, const ::chat::events::UserMessageRequest& request);

  // An event the protocol layer could not decode: answer with the reason,
  // through the ack when there is one, else with a "chat error" event.
  void refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
              const std::string& reason);


 private:
  struct Member {
    std::string nickname;  // empty until accepted
    TokenBucket attempts;  // nickname and message attempts (rate limit)
  };

  // Takes a token from the member's bucket; the refusal reason when there is none.
  std::optional<std::string> over_rate_limit(Member& member) const;

  // Callers hold mutex_.
  std::vector<ClientId> joined_except(ClientId excluded) const;
  ::chat::events::Nicknames nicknames() const;
  void deliver_stored(ClientId sender, std::optional<std::uint64_t> ack_id, store::AppendResult result);

  const ChatConfig config_;
  store::HistoryStore& history_;
  ChatOutbox& outbox_;

  // Guards the maps. Outbox calls happen under it: they only queue, and doing
  // them here keeps every recipient's order the same as the store's order.
  mutable std::mutex mutex_;
  std::unordered_map<ClientId, Member> members_;
  std::map<std::string, ClientId> by_nickname_;  // key: case-folded nickname
  // The last `history_on_join` delivered messages, oldest first: a join
  // replays from memory instead of reading the database under the lock.
  std::deque<store::StoredMessage> recent_;
};

}  // namespace chatd::chat

#include "chat/chat_service.hpp"

#include <algorithm>
#include <chrono>

#include "chat/chat_rules.hpp"

namespace chatd::chat {

namespace events = ::chat::events;
namespace rules = ::chat::rules;

namespace {

// "Bob" and "bob" are the same person on screen.
std::string fold_case(std::string_view nickname) {
  std::string key(nickname);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return key;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

ChatService::ChatService(ChatConfig config, store::HistoryStore& history, ChatOutbox& outbox)
    : config_(config), history_(history), outbox_(outbox) {
  const auto stored = history_.recent(config_.history_on_join);
  recent_.assign(stored.begin(), stored.end());
}

void ChatService::connect(ClientId client) {
  std::lock_guard lock(mutex_);
  members_.try_emplace(client,
                       Member{{}, TokenBucket(config_.rate_limit, config_.rate_burst, TokenBucket::Clock::now())});
}

void ChatService::disconnect(ClientId client) {
  std::lock_guard lock(mutex_);
  const auto it = members_.find(client);
  if (it == members_.end()) return;
  const std::string nickname = std::move(it->second.nickname);
  members_.erase(it);
  if (nickname.empty()) return;
  by_nickname_.erase(fold_case(nickname));
  const auto others = joined_except(client);
  outbox_.broadcast(others, events::encode(events::Announcement{nickname + " disconnected"}));
  outbox_.broadcast(others, events::encode(nicknames()));
}

void ChatService::on_nickname(ClientId client, const events::NicknameRequest& request) {
  const std::string nickname = rules::trim(request.nickname);
  const auto answer = [&](bool refused, std::string reason) {
    if (request.ack_id) {
      outbox_.send(client, events::encode_ack(*request.ack_id, events::NicknameAck{refused, std::move(reason)}));
    } else if (refused) {
      outbox_.send(client, events::encode(events::ChatError{std::string(events::kNickname), std::move(reason)}));
    }
  };

  std::lock_guard lock(mutex_);
  const auto member = members_.find(client);
  if (member == members_.end()) return;  // already gone
  if (auto reason = over_rate_limit(member->second)) return answer(true, std::move(*reason));
  if (auto reason = rules::check_nickname(nickname)) return answer(true, std::move(*reason));
  if (!member->second.nickname.empty()) {
    return answer(true, member->second.nickname == nickname ? "You already use this nickname"
                                                            : "You already have a nickname");
  }
  const std::string key = fold_case(nickname);
  if (by_nickname_.count(key)) return answer(true, "Nickname already in use");

  // Replay and join in one step under the lock, so that no message falls
  // between the replay and the live feed, and none comes twice: recent_ holds
  // what was delivered; what is committed but not yet delivered comes live
  // (the store reports commits in id order).
  member->second.nickname = nickname;
  by_nickname_.emplace(key, client);

  answer(false, {});
  for (const auto& message : recent_) {
    outbox_.send(client, events::encode(events::UserMessage{message.from, message.text, {message.id, message.ts, true}}));
  }
  outbox_.broadcast(joined_except(client), events::encode(events::Announcement{nickname + " connected"}));
  outbox_.broadcast(joined_except(kNobody), events::encode(nicknames()));
}

void ChatService::on_user_message(ClientId client, const events::UserMessageRequest& request) {
  std::string from;
  std::optional<std::string> reason;
  {
    std::lock_guard lock(mutex_);
    const auto member = members_.find(client);
    if (member == members_.end()) return;
    from = member->second.nickname;
    reason = over_rate_limit(member->second);
  }
  if (!reason && from.empty()) {
    reason = "Choose a nickname before sending messages";
  } else if (!reason) {
    reason = rules::check_message(request.text);
  }
  if (reason) {
    refuse(client, events::kUserMessage, request.ack_id, *reason);
    return;
  }
  history_.append(store::NewMessage{std::move(from), request.text, now_ms()},
                  [this, client, ack_id = request.ack_id](store::AppendResult result) {
                    deliver_stored(client, ack_id, std::move(result));
                  });
}

void ChatService::deliver_stored(ClientId sender, std::optional<std::uint64_t> ack_id, store::AppendResult result) {
  std::lock_guard lock(mutex_);
  if (!result.stored) {
    if (members_.count(sender)) refuse(sender, events::kUserMessage, ack_id, result.error);
    return;
  }
  const auto& stored = *result.stored;
  recent_.push_back(stored);
  while (recent_.size() > config_.history_on_join) recent_.pop_front();
  const events::MessageMeta meta{stored.id, stored.ts, false};
  if (ack_id && members_.count(sender)) {
    outbox_.send(sender, events::encode_ack(*ack_id, events::UserMessageAck{meta, {}}));
  }
  outbox_.broadcast(joined_except(sender), events::encode(events::UserMessage{stored.from, stored.text, meta}));
}

void ChatService::refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
                         const std::string& reason) {
  if (ack_id) {
    if (event == events::kNickname) {
      outbox_.send(client, events::encode_ack(*ack_id, events::NicknameAck{true, reason}));
    } else {
      outbox_.send(client, events::encode_ack(*ack_id, events::UserMessageAck{std::nullopt, reason}));
    }
    return;
  }
  outbox_.send(client, events::encode(events::ChatError{std::string(event), reason}));
}

std::optional<std::string> ChatService::over_rate_limit(Member& member) const {
  if (member.attempts.try_take(TokenBucket::Clock::now())) return std::nullopt;
  return "rate limit: at most " + std::to_string(config_.rate_limit) +
         (config_.rate_limit == 1 ? " message" : " messages") + " per second";
}

std::vector<ClientId> ChatService::joined_except(ClientId excluded) const {
  std::vector<ClientId> recipients;
  recipients.reserve(members_.size());
  for (const auto& [id, member] : members_) {
    if (id == excluded || member.nickname.empty()) continue;
    recipients.push_back(id);
  }
  return recipients;
}

events::Nicknames ChatService::nicknames() const {
  events::Nicknames list;
  list.nicknames.reserve(by_nickname_.size());
  for (const auto& [key, id] : by_nickname_) list.nicknames.push_back(members_.at(id).nickname);
  std::sort(list.nicknames.begin(), list.nicknames.end());
  return list;
}

}  // namespace chatd::chat

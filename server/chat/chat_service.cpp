#include "chat/chat_service.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include "chat/history_page.hpp"
#include "chat/wall_clock.hpp"
#include "codec/chat_rules.hpp"
#include "log/logger.hpp"

namespace chatd::chat {

namespace events = ::codec::events;
namespace rules = ::codec::rules;

namespace {

// "Bob" and "bob" are the same person on screen.
std::string fold_case(std::string_view nickname) {
  std::string key(nickname);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return key;
}

}  // namespace

ChatService::ChatService(ChatConfig config, store::HistoryStore& history, Recovery& recovery, ChatOutbox& outbox,
                         metrics::Metrics* metrics)
    : config_(config), history_(history), recovery_(recovery), outbox_(outbox), metrics_(metrics) {
  const auto stored = history_.recent(config_.history_on_join);
  recent_.assign(stored.begin(), stored.end());
  // Everything stored before this run counts as delivered.
  const auto last = recent_.empty() ? history_.recent(1) : stored;
  delivered_up_to_ = last.empty() ? 0 : last.back().id;
}

bool ChatService::connect(ClientId client, const std::optional<ResumeRequest>& resume_request, const Welcome& welcome) {
  std::lock_guard lock(mutex_);
  recovery_.forget_expired();
  if (resume_request && !members_.count(client) && resume(client, *resume_request, welcome)) return true;
  const auto keys = recovery_.welcome();
  const auto [member, added] = members_.try_emplace(client, new_member({}, keys.value_or(MemberKeys{})));
  welcome(keys ? std::optional(member->second.keys.recovery_token) : std::nullopt);
  return false;
}

void ChatService::open(ClientId client, const std::string&, const std::optional<ResumeRequest>& resume, Answer answer) {
  connect(client, resume, [&answer](const std::optional<std::string>& token) { answer(token, std::nullopt); });
}

bool ChatService::resume(ClientId client, const ResumeRequest& request, const Welcome& welcome) {
  auto resumed = recovery_.resume(
      request, [this](const std::string& nickname) { return !by_nickname_.count(fold_case(nickname)); });
  if (!resumed) return false;
  // The missed broadcasts, then the member is back: all under the mutex, so
  // that every later broadcast comes live.
  welcome(resumed->keys.recovery_token);
  for (const auto& packet : resumed->missed) outbox_.send(client, packet);
  const std::string nickname = resumed->nickname;
  const std::int64_t author = resumed->keys.author;
  members_.emplace(client, new_member(std::move(resumed->nickname), std::move(resumed->keys)));
  by_nickname_.emplace(fold_case(nickname), client);
  publish(joined_except(client), events::encode_text(events::Announcement{nickname + " connected"}), 0, author);
  publish_nicknames(joined_except(kNobody));
  return true;
}

void ChatService::disconnect(ClientId client, bool resumable) {
  std::lock_guard lock(mutex_);
  const auto it = members_.find(client);
  if (it == members_.end()) return;
  Member member = std::move(it->second);
  members_.erase(it);
  if (member.nickname.empty()) return;
  by_nickname_.erase(fold_case(member.nickname));
  recovery_.left(member.keys, member.nickname, resumable);
  const auto others = joined_except(client);
  publish(others, events::encode_text(events::Announcement{member.nickname + " disconnected"}), 0, member.keys.author);
  publish_nicknames(others);
}

void ChatService::on_nickname(ClientId client, const events::NicknameRequest& request) {
  const std::string nickname = rules::trim(request.nickname);
  const auto answer = [&](bool refused, std::string reason) {
    if (refused) log::debug("nickname refused", {{"client", client}, {"reason", reason}});
    if (request.ack_id) {
      outbox_.send(client, events::encode_ack_text(*request.ack_id, events::NicknameAck{refused, std::move(reason)}));
    } else if (refused) {
      outbox_.send(client, events::encode_text(events::ChatError{std::string(events::kNickname), std::move(reason)}));
    }
  };

  std::lock_guard lock(mutex_);
  const auto member = members_.find(client);
  if (member == members_.end()) return;  // already gone
  if (auto attempt = take_attempt(member->second); !attempt) return answer(true, attempt.error().reason);
  if (auto valid = rules::validate_nickname(nickname); !valid) return answer(true, valid.error().reason);
  if (!member->second.nickname.empty()) {
    return answer(
        true, member->second.nickname == nickname ? "You already use this nickname" : "You already have a nickname");
  }
  const std::string key = fold_case(nickname);
  if (by_nickname_.count(key)) return answer(true, "Nickname already in use");

  // Replay and join in one step under the lock, so that no message falls
  // between the replay and the live feed, and none comes twice: recent_ holds
  // what was delivered; what is committed but not yet delivered comes live
  // (the store reports commits in id order).
  member->second.nickname = nickname;
  by_nickname_.emplace(key, client);
  recovery_.joined(member->second.keys, nickname);

  answer(false, {});
  log::debug("joined", {{"client", client}, {"nickname", nickname}});
  for (const auto& message : recent_) {
    outbox_.send(client,
                 events::encode_text(events::UserMessage{message.from, message.text, {message.id, message.ts, true}}));
  }
  publish(joined_except(client), events::encode_text(events::Announcement{nickname + " connected"}), 0,
          member->second.keys.author);
  publish_nicknames(joined_except(kNobody));
}

void ChatService::on_user_message(ClientId client, const events::UserMessageRequest& request) {
  std::string from;
  std::int64_t author = 0;
  ::codec::Result<void, ::codec::Failure> attempt;
  {
    std::lock_guard lock(mutex_);
    const auto member = members_.find(client);
    if (member == members_.end()) return;
    from = member->second.nickname;
    author = member->second.keys.author;
    attempt = take_attempt(member->second);
  }
  std::optional<std::string> reason;
  if (!attempt) {
    reason = attempt.error().reason;
  } else if (from.empty()) {
    reason = "Choose a nickname before sending messages";
  } else if (auto valid = rules::validate_message(request.text); !valid) {
    reason = valid.error().reason;
  } else if (request.key && !rules::validate_message_key(*request.key)) {
    reason = rules::validate_message_key(*request.key).error().reason;
  }
  if (reason) {
    refuse(client, events::kUserMessage, request.ack_id, *reason);
    return;
  }
  const auto appended_at = std::chrono::steady_clock::now();
  // The key is scoped to the author, which lasts as long as the member,
  // across resumed connections and restarts: a client resending after a lost
  // connection is told about its first copy. Without recovery there is no
  // author (0) to scope it to, and a reconnect is a new member anyway.
  std::optional<std::string> key = author != 0 ? request.key : std::nullopt;
  history_.append(store::NewMessage{std::move(from), request.text, now_ms(), author, std::move(key)},
                  [this, client, ack_id = request.ack_id, appended_at](store::AppendResult result) {
                    if (metrics_) {
                      const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - appended_at;
                      metrics_->append_seconds.observe(waited.count());
                    }
                    deliver_stored(client, ack_id, std::move(result));
                  });
}

void ChatService::on_history(ClientId client, const events::HistoryRequest& request) {
  std::optional<std::string> reason;
  std::int64_t delivered_up_to = 0;
  {
    std::lock_guard lock(mutex_);
    delivered_up_to = delivered_up_to_;
    const auto member = members_.find(client);
    if (member == members_.end()) return;
    if (auto attempt = take_attempt(member->second); !attempt) {
      reason = attempt.error().reason;
    } else if (member->second.nickname.empty()) {
      reason = "Choose a nickname before reading the history";
    }
  }
  if (!reason && !request.ack_id) reason = "history needs an ack id: the page comes in the ack";
  if (reason) return refuse(client, events::kHistory, request.ack_id, *reason);

  // Only messages already delivered: one committed but not yet broadcast
  // comes live, so it must not come in a page as well.
  const std::int64_t before =
      std::min(request.before.value_or(std::numeric_limits<std::int64_t>::max()), delivered_up_to + 1);
  auto page = read_history_page(history_, before);
  if (!page) {
    log::warn("history not read", {{"client", client}, {"error", page.error().reason}});
    return refuse(client, events::kHistory, request.ack_id, page.error().reason);
  }
  outbox_.send(client, events::encode_ack_text(*request.ack_id, *page));
}

void ChatService::deliver_stored(ClientId sender, std::optional<std::uint64_t> ack_id, store::AppendResult result) {
  std::lock_guard lock(mutex_);
  if (!result) {
    count(&metrics::Metrics::append_failures);
    log::warn("message not stored", {{"client", sender}, {"error", result.error().reason}});
    if (members_.count(sender)) refuse(sender, events::kUserMessage, ack_id, result.error().reason);
    return;
  }
  const auto& stored = *result;
  if (stored.repeated) {
    // Stored and broadcast when it first came: only the sender hears of it
    // again, with the first copy's id.
    log::debug("message key repeated", {{"client", sender}, {"id", stored.id}});
    if (ack_id && members_.count(sender)) {
      outbox_.send(sender, events::encode_ack_text(
                               *ack_id, events::UserMessageAck{events::MessageMeta{stored.id, stored.ts, false}, {}}));
    }
    return;
  }
  recent_.push_back(stored);
  delivered_up_to_ = stored.id;
  while (recent_.size() > config_.history_on_join) recent_.pop_front();
  const events::MessageMeta meta{stored.id, stored.ts, false};
  const auto recipients = joined_except(sender);
  // Counted before anything is queued, so that whoever received it sees it counted.
  count(&metrics::Metrics::messages_stored);
  count(&metrics::Metrics::deliveries, recipients.size());
  if (ack_id && members_.count(sender)) {
    outbox_.send(sender, events::encode_ack_text(*ack_id, events::UserMessageAck{meta, {}}));
  }
  publish(recipients, events::encode_text(events::UserMessage{stored.from, stored.text, meta}), stored.id,
          stored.author);
}

void ChatService::publish(const std::vector<ClientId>& to, std::string packet, std::int64_t message_id,
                          std::int64_t skipped) {
  recovery_.tag_broadcast(packet, message_id);
  outbox_.broadcast(to, packet);
  recovery_.keep_broadcast(std::move(packet), skipped);
}

void ChatService::publish_nicknames(const std::vector<ClientId>& to) {
  auto packet = events::encode_text(nicknames());
  recovery_.tag_snapshot(packet);
  outbox_.broadcast_snapshot(to, packet);
}

void ChatService::refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
                         const std::string& reason) {
  log::debug("request refused", {{"client", client}, {"event", event}, {"reason", reason}});
  outbox_.send(client, events::encode_refusal_text(event, ack_id, reason));
}

ChatService::Member ChatService::new_member(std::string nickname, MemberKeys keys) const {
  return Member{std::move(nickname), std::move(keys),
                TokenBucket(config_.rate_limit, config_.rate_burst, TokenBucket::Clock::now())};
}

::codec::Result<void, ::codec::Failure> ChatService::take_attempt(Member& member) {
  if (member.attempts.try_take(TokenBucket::Clock::now())) return {};
  count(&metrics::Metrics::rate_limited);
  std::string reason(events::kRateLimitReason);
  reason += "at most ";
  reason += std::to_string(config_.rate_limit);
  reason += config_.rate_limit == 1 ? " message per second" : " messages per second";
  return ::codec::Failure{std::move(reason)};
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

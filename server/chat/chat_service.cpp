#include "chat/chat_service.hpp"

#include <algorithm>
#include <chrono>

#include "codec/chat_rules.hpp"
#include "chat/member_keys.hpp"
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

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A resuming client gets at most this many stored messages from before this
// run; one that missed more starts afresh with the history replay.
constexpr std::size_t kMaxResumedMessages = 1000;
// Broadcast events kept for resuming members in this run.
constexpr std::size_t kMaxLoggedBroadcasts = 10'000;
constexpr std::size_t kMaxLoggedBytes = 8 << 20;

// About the memory a logged packet holds: its text and the entry around it.
std::size_t approximate_size(const std::string& packet) { return packet.capacity() + 64; }

}  // namespace

ChatService::ChatService(ChatConfig config, store::HistoryStore& history, store::RecoveryStore& recovery_store,
                         ChatOutbox& outbox, metrics::Metrics* metrics)
    : config_(config),
      history_(history),
      recovery_store_(recovery_store),
      outbox_(outbox),
      metrics_(metrics),
      boot_(static_cast<std::uint32_t>(generate_author_key())),  // any random number names the run
      log_(kMaxLoggedBroadcasts, kMaxLoggedBytes) {
  auto stored = history_.recent(std::max<std::size_t>(config_.history_on_join, 1));
  if (!stored.empty()) boot_last_message_ = last_delivered_ = stored.back().id;
  if (stored.size() > config_.history_on_join) stored.erase(stored.begin());
  recent_.assign(stored.begin(), stored.end());
  if (!recovery()) return;
  const auto now = now_ms();
  for (auto& saved : recovery_store_.load(now - config_.recovery_window.count(), now)) {
    keep_departed(saved.recovery_token, Departed{saved.author, std::move(saved.nickname), *saved.left_at});
  }
  forget_departed(now);
}

bool ChatService::connect(ClientId client, const std::optional<ResumeRequest>& resume_request,
                          const Welcome& welcome) {
  std::lock_guard lock(mutex_);
  if (!recovery()) {
    members_.try_emplace(client, new_member({}, {}, 0));
    welcome(std::nullopt);
    return false;
  }
  forget_departed(now_ms());
  if (resume_request && resume(client, *resume_request, welcome)) return true;
  const auto [member, added] = members_.try_emplace(client, new_member({}, generate_recovery_token(), generate_author_key()));
  welcome(member->second.recovery_token);
  return false;
}

bool ChatService::resume(ClientId client, const ResumeRequest& request, const Welcome& welcome) {
  const auto offset = BroadcastOffset::parse(request.offset);
  const auto departed = departed_.find(request.recovery_token);
  if (!offset || departed == departed_.end() || members_.count(client)) return false;
  const std::string key = fold_case(departed->second.nickname);
  if (by_nickname_.count(key)) return false;  // someone else took the nickname meanwhile
  auto missed = missed_since(*offset, departed->second.author);
  if (!missed) return false;

  Member member = new_member(std::move(departed->second.nickname), request.recovery_token, departed->second.author);
  departures_.erase({departed->second.left_at, request.recovery_token});
  departed_.erase(departed);
  welcome(member.recovery_token);
  for (const auto& packet : *missed) outbox_.send(client, packet);
  recovery_store_.save(store::SavedMember{member.recovery_token, member.author, member.nickname, std::nullopt});
  const std::string nickname = member.nickname;
  const std::int64_t author = member.author;
  members_.emplace(client, std::move(member));
  by_nickname_.emplace(key, client);
  publish(joined_except(client), events::encode_text(events::Announcement{nickname + " connected"}), author);
  publish_nicknames(joined_except(kNobody));
  return true;
}

std::optional<std::vector<std::string>> ChatService::missed_since(const BroadcastOffset& offset,
                                                                 std::int64_t author) const {
  std::vector<std::string> missed;
  std::uint64_t seen = offset.seq;
  if (offset.boot != boot_ || offset.seq == 0) {
    // The offset predates this run: what it missed of earlier runs is the
    // stored messages, then everything this run broadcast.
    if (offset.message > boot_last_message_) return std::nullopt;
    const auto stored = history_.range(offset.message, boot_last_message_, kMaxResumedMessages + 1);
    if (stored.size() > kMaxResumedMessages) return std::nullopt;
    for (const auto& message : stored) {
      if (message.author == author) continue;  // its own: the sender has it
      auto packet = events::encode_text(events::UserMessage{message.from, message.text, {message.id, message.ts, false}});
      ::codec::sio::append_string_argument(packet, BroadcastOffset{boot_, 0, message.id}.to_string());
      missed.push_back(std::move(packet));
    }
    seen = 0;
  }
  const auto entries = log_.after(seen);
  if (!entries) return std::nullopt;
  for (const auto* entry : *entries) {
    if (entry->skip_author != author) missed.push_back(entry->packet);
  }
  return missed;
}

void ChatService::keep_departed(const std::string& recovery_token, Departed departed) {
  if (const auto old = departed_.find(recovery_token); old != departed_.end()) {
    departures_.erase({old->second.left_at, recovery_token});
  }
  departures_.emplace(departed.left_at, recovery_token);
  departed_[recovery_token] = std::move(departed);
}

void ChatService::forget_departed(std::int64_t now) {
  const auto oldest = now - config_.recovery_window.count();
  while (!departures_.empty() &&
         (departures_.begin()->first < oldest || departed_.size() > config_.max_resumable_members)) {
    const auto& recovery_token = departures_.begin()->second;
    departed_.erase(recovery_token);
    recovery_store_.forget(recovery_token);
    departures_.erase(departures_.begin());
  }
}

void ChatService::disconnect(ClientId client, bool resumable) {
  std::lock_guard lock(mutex_);
  const auto it = members_.find(client);
  if (it == members_.end()) return;
  Member member = std::move(it->second);
  members_.erase(it);
  if (member.nickname.empty()) return;
  by_nickname_.erase(fold_case(member.nickname));
  if (recovery()) {
    const auto now = now_ms();
    if (resumable) {
      recovery_store_.save(store::SavedMember{member.recovery_token, member.author, member.nickname, now});
      keep_departed(member.recovery_token, Departed{member.author, member.nickname, now});
    } else {
      recovery_store_.forget(member.recovery_token);
    }
    forget_departed(now);
  }
  const auto others = joined_except(client);
  publish(others, events::encode_text(events::Announcement{member.nickname + " disconnected"}), member.author);
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
  if (recovery()) {
    recovery_store_.save(store::SavedMember{member->second.recovery_token, member->second.author, nickname, std::nullopt});
  }

  answer(false, {});
  log::debug("joined", {{"client", client}, {"nickname", nickname}});
  for (const auto& message : recent_) {
    outbox_.send(client, events::encode_text(events::UserMessage{message.from, message.text, {message.id, message.ts, true}}));
  }
  publish(joined_except(client), events::encode_text(events::Announcement{nickname + " connected"}), member->second.author);
  publish_nicknames(joined_except(kNobody));
}

void ChatService::on_user_message(ClientId client, const events::UserMessageRequest& request) {
  std::string from;
  std::int64_t author = 0;
  std::optional<std::string> reason;
  {
    std::lock_guard lock(mutex_);
    const auto member = members_.find(client);
    if (member == members_.end()) return;
    from = member->second.nickname;
    author = member->second.author;
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
  const auto appended_at = std::chrono::steady_clock::now();
  history_.append(store::NewMessage{std::move(from), request.text, now_ms(), author},
                  [this, client, ack_id = request.ack_id, appended_at](store::AppendResult result) {
                    if (metrics_) {
                      const std::chrono::duration<double> waited = std::chrono::steady_clock::now() - appended_at;
                      metrics_->append_seconds.observe(waited.count());
                    }
                    deliver_stored(client, ack_id, std::move(result));
                  });
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
  recent_.push_back(stored);
  while (recent_.size() > config_.history_on_join) recent_.pop_front();
  last_delivered_ = stored.id;
  const events::MessageMeta meta{stored.id, stored.ts, false};
  const auto recipients = joined_except(sender);
  // Counted before anything is queued, so that whoever received it sees it counted.
  count(&metrics::Metrics::messages_stored);
  count(&metrics::Metrics::deliveries, recipients.size());
  if (ack_id && members_.count(sender)) {
    outbox_.send(sender, events::encode_ack_text(*ack_id, events::UserMessageAck{meta, {}}));
  }
  publish(recipients, events::encode_text(events::UserMessage{stored.from, stored.text, meta}), stored.author);
}

void ChatService::publish(const std::vector<ClientId>& to, std::string packet, std::int64_t skipped) {
  if (!recovery()) return outbox_.broadcast(to, packet);
  const auto now = now_ms();
  const BroadcastOffset offset{boot_, ++seq_, last_delivered_};
  ::codec::sio::append_string_argument(packet, offset.to_string());
  outbox_.broadcast(to, packet);
  // Kept twice the window: a silent connection is noticed only after the
  // heartbeat times out, so a client may have missed a little before it left.
  // Logged under the mutex with the broadcast: a resume sees it logged and
  // broadcast at once.
  log_.trim(now - 2 * config_.recovery_window.count());
  const auto bytes = approximate_size(packet);
  log_.append(BroadcastLog::Entry{offset.seq, now, skipped, std::move(packet), bytes});
}

void ChatService::publish_nicknames(const std::vector<ClientId>& to) {
  auto packet = events::encode_text(nicknames());
  if (recovery()) ::codec::sio::append_string_argument(packet, BroadcastOffset{boot_, seq_, last_delivered_}.to_string());
  outbox_.broadcast_snapshot(to, packet);
}

void ChatService::refuse(ClientId client, std::string_view event, std::optional<std::uint64_t> ack_id,
                         const std::string& reason) {
  log::debug("request refused", {{"client", client}, {"event", event}, {"reason", reason}});
  if (ack_id) {
    if (event == events::kNickname) {
      outbox_.send(client, events::encode_ack_text(*ack_id, events::NicknameAck{true, reason}));
    } else {
      outbox_.send(client, events::encode_ack_text(*ack_id, events::UserMessageAck{std::nullopt, reason}));
    }
    return;
  }
  outbox_.send(client, events::encode_text(events::ChatError{std::string(event), reason}));
}

ChatService::Member ChatService::new_member(std::string nickname, std::string recovery_token,
                                           std::int64_t author) const {
  return Member{std::move(nickname), std::move(recovery_token), author,
                TokenBucket(config_.rate_limit, config_.rate_burst, TokenBucket::Clock::now())};
}

std::optional<std::string> ChatService::over_rate_limit(Member& member) {
  if (member.attempts.try_take(TokenBucket::Clock::now())) return std::nullopt;
  count(&metrics::Metrics::rate_limited);
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

#include "chat/local_recovery.hpp"

#include "chat/wall_clock.hpp"
#include "codec/chat_events.hpp"
#include "codec/connection_recovery.hpp"
#include "codec/socketio_packet.hpp"

namespace chatd::chat {

namespace events = ::codec::events;

namespace {

// A resuming client gets at most this many stored messages from before this
// run; one that missed more joins afresh with the history replay.
constexpr std::size_t kMaxResumedMessages = 1000;
// Broadcast events kept for resuming members in this run.
constexpr std::size_t kMaxLoggedBroadcasts = 10'000;
constexpr std::size_t kMaxLoggedBytes = 8 << 20;

// About the memory a logged packet holds: its text and the entry around it.
std::size_t approximate_size(const std::string& packet) { return packet.capacity() + 64; }

}  // namespace

LocalRecovery::LocalRecovery(const ChatConfig& config, store::HistoryStore& history, store::RecoveryStore& store)
    : window_ms_(config.recovery_window.count()),
      max_departed_(config.max_resumable_members),
      history_(history),
      store_(store),
      boot_(static_cast<std::uint32_t>(generate_author_key())),  // any random number names the run
      log_(kMaxLoggedBroadcasts, kMaxLoggedBytes) {
  if (const auto last = history_.recent(1); !last.empty()) boot_last_message_ = last_delivered_ = last.back().id;
  if (!enabled()) return;
  const auto now = now_ms();
  for (auto& saved : store_.load(now - window_ms_, now)) {
    keep_departed(saved.recovery_token, Departed{saved.author, std::move(saved.nickname), *saved.left_at});
  }
  forget_departed(now);
}

std::optional<MemberKeys> LocalRecovery::welcome() {
  if (!enabled()) return std::nullopt;
  return MemberKeys{generate_recovery_token(), generate_author_key()};
}

std::optional<ResumedMember> LocalRecovery::resume(const ResumeRequest& request, const NicknameFree& nickname_free) {
  if (!enabled()) return std::nullopt;
  const auto offset = BroadcastOffset::parse(request.offset);
  const auto departed = departed_.find(request.recovery_token);
  if (!offset || departed == departed_.end()) return std::nullopt;
  if (!nickname_free(departed->second.nickname)) return std::nullopt;  // someone else took it meanwhile
  auto missed = missed_since(*offset, departed->second.author);
  if (!missed) return std::nullopt;

  ResumedMember resumed{MemberKeys{request.recovery_token, departed->second.author},
                        std::move(departed->second.nickname), std::move(*missed)};
  departures_.erase({departed->second.left_at, request.recovery_token});
  departed_.erase(departed);
  store_.save(store::SavedMember{resumed.keys.recovery_token, resumed.keys.author, resumed.nickname, std::nullopt});
  return resumed;
}

std::optional<std::vector<std::string>> LocalRecovery::missed_since(const BroadcastOffset& offset,
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
      auto packet =
          events::encode_text(events::UserMessage{message.from, message.text, {message.id, message.ts, false}});
      ::codec::sio::append_offset(packet, BroadcastOffset{boot_, 0, message.id}.to_string());
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

void LocalRecovery::joined(const MemberKeys& keys, const std::string& nickname) {
  if (!enabled()) return;
  store_.save(store::SavedMember{keys.recovery_token, keys.author, nickname, std::nullopt});
}

void LocalRecovery::left(const MemberKeys& keys, const std::string& nickname, bool resumable) {
  if (!enabled()) return;
  const auto now = now_ms();
  if (resumable) {
    store_.save(store::SavedMember{keys.recovery_token, keys.author, nickname, now});
    keep_departed(keys.recovery_token, Departed{keys.author, nickname, now});
  } else {
    store_.forget(keys.recovery_token);
  }
  forget_departed(now);
}

void LocalRecovery::forget_expired() {
  if (enabled()) forget_departed(now_ms());
}

void LocalRecovery::keep_departed(const std::string& recovery_token, Departed departed) {
  if (const auto old = departed_.find(recovery_token); old != departed_.end()) {
    departures_.erase({old->second.left_at, recovery_token});
  }
  departures_.emplace(departed.left_at, recovery_token);
  departed_[recovery_token] = std::move(departed);
}

void LocalRecovery::forget_departed(std::int64_t now) {
  const auto oldest = now - window_ms_;
  while (!departures_.empty() && (departures_.begin()->first < oldest || departed_.size() > max_departed_)) {
    const auto& recovery_token = departures_.begin()->second;
    departed_.erase(recovery_token);
    store_.forget(recovery_token);
    departures_.erase(departures_.begin());
  }
}

void LocalRecovery::tag_broadcast(std::string& packet, std::int64_t message_id) {
  if (message_id != 0) last_delivered_ = message_id;
  if (!enabled()) return;
  ++seq_;
  ::codec::sio::append_offset(packet, current_offset().to_string());
}

void LocalRecovery::keep_broadcast(std::string packet, std::int64_t skipped_author) {
  if (!enabled()) return;
  const auto now = now_ms();
  // Kept twice the window: a silent connection is noticed only after the
  // heartbeat times out, so a client may have missed a little before it left.
  log_.trim(now - 2 * window_ms_);
  const auto bytes = approximate_size(packet);
  log_.append(BroadcastLog::Entry{seq_, now, skipped_author, std::move(packet), bytes});
}

void LocalRecovery::tag_snapshot(std::string& packet) {
  if (enabled()) ::codec::sio::append_offset(packet, current_offset().to_string());
}

}  // namespace chatd::chat

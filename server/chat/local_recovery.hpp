#pragma once
// Connection state recovery within one chatd (see recovery.hpp): the recent
// broadcasts of this run in memory (BroadcastLog), departed members in memory
// and in a RecoveryStore (so that they survive a restart), and, for what a
// member missed of an earlier run, the stored messages.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "chat/broadcast_log.hpp"
#include "chat/broadcast_offset.hpp"
#include "chat/chat_config.hpp"
#include "chat/recovery.hpp"
#include "store/history_store.hpp"
#include "store/recovery_store.hpp"

namespace chatd::chat {

class LocalRecovery final : public Recovery {
 public:
  // Uses config.recovery_window (zero: recovery is off, and this does
  // nothing) and config.max_resumable_members. Loads the members who left
  // within the window from `store`. Both stores must outlive this.
  LocalRecovery(const ChatConfig& config, store::HistoryStore& history, store::RecoveryStore& store);

  std::optional<MemberKeys> welcome() override;
  std::optional<ResumedMember> resume(const ResumeRequest& request, const NicknameFree& nickname_free) override;
  void joined(const MemberKeys& keys, const std::string& nickname) override;
  void left(const MemberKeys& keys, const std::string& nickname, bool resumable) override;
  void forget_expired() override;
  void tag_broadcast(std::string& packet, std::int64_t message_id) override;
  void keep_broadcast(std::string packet, std::int64_t skipped_author) override;
  void tag_snapshot(std::string& packet) override;

 private:
  struct Departed {
    std::int64_t author = 0;
    std::string nickname;
    std::int64_t left_at = 0;
  };

  bool enabled() const { return window_ms_ > 0; }
  BroadcastOffset current_offset() const { return BroadcastOffset{boot_, seq_, last_delivered_}; }
  // The broadcasts after `offset` that `author` did not send, with their
  // offsets; nothing when some of them are no longer known.
  std::optional<std::vector<std::string>> missed_since(const BroadcastOffset& offset, std::int64_t author) const;
  void keep_departed(const std::string& recovery_token, Departed departed);
  void forget_departed(std::int64_t now);

  const std::int64_t window_ms_;
  const std::size_t max_departed_;
  store::HistoryStore& history_;
  store::RecoveryStore& store_;

  const std::uint32_t boot_;            // names this run in offsets
  std::int64_t boot_last_message_ = 0;  // the last message stored before this run
  std::int64_t last_delivered_ = 0;     // the last message broadcast
  std::uint64_t seq_ = 0;               // the last broadcast's number
  BroadcastLog log_;
  std::unordered_map<std::string, Departed> departed_;         // key: recovery token
  std::set<std::pair<std::int64_t, std::string>> departures_;  // (left_at, recovery token), oldest first
};

}  // namespace chatd::chat

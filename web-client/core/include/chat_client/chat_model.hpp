#pragma once
// Everything the view draws, and nothing about sockets: the log, the online
// list, the nickname and its error, and the connection state to show.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "chat_client/chat_line.hpp"
#include "chat_client/connection_state.hpp"

namespace chat_client {

// One stored message of a page of older history.
struct HistoryLine {
  std::string from;
  std::string text;
  std::int64_t id = 0;
  std::int64_t ts_ms = 0;
};

class ChatModel {
 public:
  // Older lines are dropped beyond this, so a long session stays bounded,
  // however far back the reader pages.
  static constexpr std::size_t kDefaultMaxLines = 10000;

  explicit ChatModel(std::size_t max_lines = kDefaultMaxLines);
  std::size_t max_lines() const { return max_lines_; }

  // ---- log ----
  const std::deque<ChatLine>& lines() const { return lines_; }
  // Increases on every change, so the view can cache its layout.
  std::uint64_t revision() const { return revision_; }

  // A message from the server. Returns false when it was already shown
  // (same server id), which happens when history is replayed on re-join.
  bool add_user_message(std::string from, std::string text, std::int64_t server_id, std::int64_t ts_ms, bool history);
  void add_announcement(std::string text, std::int64_t now_ms);
  void add_system(std::string text, std::int64_t now_ms);
  void add_error(std::string text, std::int64_t now_ms);

  // A page of older history, put in front of the log, oldest first; ids
  // already shown are skipped. The lines get seqs below the first line's, so
  // that seqs still increase down the log. Returns how many lines it added.
  // Nothing is dropped for it: the caller asks only while there is room.
  std::size_t prepend_history(const std::vector<HistoryLine>& page);
  // The id of the oldest stored message in the log (none: no message has one).
  std::optional<std::int64_t> oldest_message_id() const;
  // Drops the oldest lines until at most `keep` remain; returns how many went.
  std::size_t trim_to(std::size_t keep);

  // Our own message, shown at once as Pending; returns its line's seq.
  std::uint64_t add_own_message(std::string from, std::string text, std::int64_t now_ms);
  void confirm_own_message(std::uint64_t seq, std::int64_t server_id, std::int64_t ts_ms);
  void fail_own_message(std::uint64_t seq, std::string reason);
  const ChatLine* find_line(std::uint64_t seq) const;

  // ---- people ----
  const std::vector<std::string>& online() const { return online_; }
  void set_online(std::vector<std::string> nicknames);

  const std::string& nickname() const { return nickname_; }
  void set_nickname(std::string nickname);
  const std::string& nickname_error() const { return nickname_error_; }
  void set_nickname_error(std::string error);

  // ---- connection: the one copy of the client's state, which ChatClient drives ----
  ConnectionState connection_state() const { return state_; }
  void set_connection_state(ConnectionState state);
  // When the next reconnect attempt is due, if one is scheduled.
  std::optional<std::int64_t> reconnect_at_ms() const { return reconnect_at_ms_; }
  void set_reconnect_at(std::optional<std::int64_t> at_ms);
  // The time left until that attempt, as shown ("2s"); none when none is scheduled.
  std::optional<std::string> reconnect_countdown(std::int64_t now_ms) const;
  // True once the user has been in the room in this page's life.
  bool has_joined_once() const { return joined_once_; }
  // Whether the server resumed the session at the last reconnect (nickname
  // kept, missed broadcasts replayed) rather than starting a fresh one.
  bool session_resumed() const { return session_resumed_; }
  void set_session_resumed(bool resumed) {
    session_resumed_ = resumed;
    ++revision_;
  }

  // Frames from the server that could not be understood (kept for diagnostics).
  std::uint64_t ignored_frames() const { return ignored_frames_; }
  void count_ignored_frame() {
    ++ignored_frames_;
    ++revision_;
  }

 private:
  ChatLine& push(ChatLine line);
  void add_text_line(LineKind kind, std::string text, std::int64_t now_ms);  // no sender
  ChatLine* find_mutable(std::uint64_t seq);

  std::size_t max_lines_;
  std::deque<ChatLine> lines_;
  std::unordered_set<std::int64_t> seen_ids_;
  // Seqs count up from the middle of the range for new lines and down from
  // it for older history put in front, so that they increase down the log.
  static constexpr std::uint64_t kFirstSeq = std::uint64_t{1} << 62;
  std::uint64_t next_seq_ = kFirstSeq;
  std::uint64_t revision_ = 0;
  std::vector<std::string> online_;
  std::string nickname_;
  std::string nickname_error_;
  ConnectionState state_ = ConnectionState::Disconnected;
  std::optional<std::int64_t> reconnect_at_ms_;
  bool joined_once_ = false;
  bool session_resumed_ = false;
  std::uint64_t ignored_frames_ = 0;
};

}  // namespace chat_client

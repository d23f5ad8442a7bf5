#include "chat_client/chat_model.hpp"

#include <algorithm>
#include <utility>

#include "chat_client/countdown.hpp"

namespace chat_client {

namespace {

ChatLine text_line(LineKind kind, std::string text, std::int64_t ts_ms) {
  ChatLine line;
  line.kind = kind;
  line.text = std::move(text);
  line.ts_ms = ts_ms;
  return line;
}

}  // namespace

ChatModel::ChatModel(std::size_t max_lines) : max_lines_(std::max<std::size_t>(max_lines, 1)) {}

ChatLine& ChatModel::push(ChatLine line) {
  line.seq = next_seq_++;
  lines_.push_back(std::move(line));
  while (lines_.size() > max_lines_) {
    if (lines_.front().server_id != 0) seen_ids_.erase(lines_.front().server_id);
    lines_.pop_front();
  }
  ++revision_;
  return lines_.back();
}

bool ChatModel::add_user_message(std::string from, std::string text, std::int64_t server_id, std::int64_t ts_ms,
                                 bool history) {
  if (server_id != 0 && !seen_ids_.insert(server_id).second) return false;
  ChatLine line = text_line(LineKind::Message, std::move(text), ts_ms);
  line.from = std::move(from);
  line.server_id = server_id;
  line.history = history;
  push(std::move(line));
  return true;
}

void ChatModel::add_announcement(std::string text, std::int64_t now_ms) {
  add_text_line(LineKind::Announcement, std::move(text), now_ms);
}

void ChatModel::add_system(std::string text, std::int64_t now_ms) {
  add_text_line(LineKind::System, std::move(text), now_ms);
}

void ChatModel::add_error(std::string text, std::int64_t now_ms) {
  add_text_line(LineKind::Error, std::move(text), now_ms);
}

void ChatModel::add_text_line(LineKind kind, std::string text, std::int64_t now_ms) {
  push(text_line(kind, std::move(text), now_ms));
}

std::size_t ChatModel::prepend_history(const std::vector<HistoryLine>& page) {
  std::uint64_t seq = lines_.empty() ? next_seq_ : lines_.front().seq;
  std::size_t added = 0;
  // Newest of the page first, each in front of the one after it.
  for (auto it = page.rbegin(); it != page.rend(); ++it) {
    if (it->id == 0 || !seen_ids_.insert(it->id).second) continue;
    ChatLine line = text_line(LineKind::Message, it->text, it->ts_ms);
    line.from = it->from;
    line.server_id = it->id;
    line.history = true;
    line.seq = --seq;
    lines_.push_front(std::move(line));
    ++added;
  }
  if (added > 0) ++revision_;
  return added;
}

std::optional<std::int64_t> ChatModel::oldest_message_id() const {
  std::optional<std::int64_t> oldest;
  for (const auto& line : lines_) {
    if (line.server_id != 0 && (!oldest || line.server_id < *oldest)) oldest = line.server_id;
  }
  return oldest;
}

std::size_t ChatModel::trim_to(std::size_t keep) {
  std::size_t dropped = 0;
  while (lines_.size() > keep) {
    if (lines_.front().server_id != 0) seen_ids_.erase(lines_.front().server_id);
    lines_.pop_front();
    ++dropped;
  }
  if (dropped > 0) ++revision_;
  return dropped;
}

std::uint64_t ChatModel::add_own_message(std::string from, std::string text, std::int64_t now_ms) {
  ChatLine line = text_line(LineKind::Message, std::move(text), now_ms);
  line.from = std::move(from);
  line.own = true;
  line.status = DeliveryStatus::Pending;
  return push(std::move(line)).seq;
}

ChatLine* ChatModel::find_mutable(std::uint64_t seq) {
  // Pending lines are recent: search from the back.
  for (auto it = lines_.rbegin(); it != lines_.rend(); ++it) {
    if (it->seq == seq) return &*it;
    if (it->seq < seq) break;
  }
  return nullptr;
}

const ChatLine* ChatModel::find_line(std::uint64_t seq) const {
  return const_cast<ChatModel*>(this)->find_mutable(seq);
}

void ChatModel::confirm_own_message(std::uint64_t seq, std::int64_t server_id, std::int64_t ts_ms) {
  ChatLine* line = find_mutable(seq);
  if (line == nullptr) return;  // already scrolled out of the log
  line->status = DeliveryStatus::Confirmed;
  line->server_id = server_id;
  if (ts_ms != 0) line->ts_ms = ts_ms;
  // Remember the id so a later history replay does not show it twice.
  if (server_id != 0) seen_ids_.insert(server_id);
  ++revision_;
}

void ChatModel::fail_own_message(std::uint64_t seq, std::string reason) {
  ChatLine* line = find_mutable(seq);
  if (line == nullptr) return;
  line->status = DeliveryStatus::Failed;
  line->failure = std::move(reason);
  ++revision_;
}

void ChatModel::set_online(std::vector<std::string> nicknames) {
  online_ = std::move(nicknames);
  ++revision_;
}

void ChatModel::set_nickname(std::string nickname) {
  nickname_ = std::move(nickname);
  ++revision_;
}

void ChatModel::set_nickname_error(std::string error) {
  nickname_error_ = std::move(error);
  ++revision_;
}

void ChatModel::set_connection_state(ConnectionState state) {
  if (state == ConnectionState::Joined) joined_once_ = true;
  state_ = state;
  ++revision_;
}

void ChatModel::set_reconnect_at(std::optional<std::int64_t> at_ms) {
  reconnect_at_ms_ = at_ms;
  ++revision_;
}

std::optional<std::string> ChatModel::reconnect_countdown(std::int64_t now_ms) const {
  if (!reconnect_at_ms_) return std::nullopt;
  return format_countdown(*reconnect_at_ms_ - now_ms);
}

}  // namespace chat_client

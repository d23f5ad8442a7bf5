#include "chat_client/chat_client.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "chat_client/countdown.hpp"
#include "codec/chat_events.hpp"
#include "codec/chat_rules.hpp"
#include "codec/connection_recovery.hpp"
#include "codec/engineio_packet.hpp"
#include "codec/socketio_packet.hpp"

namespace chat_client {

namespace eio = codec::eio;
namespace sio = codec::sio;
namespace events = codec::events;

namespace {

// This page's part of its messages' keys: the time and a random number, in
// base 36. The server scopes keys to the member, so this only needs to set
// one page apart from another for whoever reads the database.
std::string make_key_prefix(std::int64_t now_ms, const std::function<double()>& random01) {
  const auto base36 = [](std::uint64_t n) {
    std::string digits;
    do {
      digits.insert(digits.begin(), "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36]);
      n /= 36;
    } while (n > 0);
    return digits;
  };
  const double random = random01 ? random01() : 0.5;
  std::string prefix = base36(static_cast<std::uint64_t>(std::max<std::int64_t>(now_ms, 0)));
  prefix += base36(static_cast<std::uint64_t>(random * 2176782336.0));  // 36^6
  return prefix;
}

}  // namespace

ChatClient::ChatClient(ClientConfig config, Transport& transport, ChatModel& model, Clock clock)
    : config_(std::move(config)),
      transport_(transport),
      model_(model),
      clock_(std::move(clock)),
      backoff_(config_.backoff, config_.random01),
      outgoing_(make_key_prefix(clock_(), config_.random01)),
      history_(config_.kept_lines, model_.max_lines()) {}

void ChatClient::set_state(ConnectionState state) { model_.set_connection_state(state); }

bool ChatClient::shows_nickname_prompt() const {
  const ConnectionState now = state();
  return now == ConnectionState::NeedsNickname || (now == ConnectionState::Joining && !auto_rejoin_);
}

void ChatClient::start() {
  if (started_) return;
  started_ = true;
  connect();
}

void ChatClient::connect() {
  model_.set_reconnect_at(std::nullopt);
  nickname_ack_id_.reset();
  connect_started_ms_ = clock_();
  set_state(ConnectionState::Connecting);
  transport_.open(config_.url, *this);
}

void ChatClient::tick() {
  if (!started_) return;
  const std::int64_t now = clock_();
  switch (state()) {
    case ConnectionState::Disconnected:
      if (const auto at = model_.reconnect_at_ms(); at && now >= *at) connect();
      return;
    case ConnectionState::Connecting:
    case ConnectionState::Handshaking:
    case ConnectionState::NamespaceConnecting:
      if (now - connect_started_ms_ > config_.connect_timeout_ms) {
        drop_connection("connection timed out");
      }
      return;
    case ConnectionState::NeedsNickname:
    case ConnectionState::Joining:
    case ConnectionState::Joined:
      if (now - last_server_activity_ms_ > ping_interval_ms_ + ping_timeout_ms_) {
        drop_connection("server stopped answering");
        return;
      }
      send_next_message();  // one held back by the rate limit may be due
      return;
  }
}

void ChatClient::drop_connection(std::string_view reason) {
  transport_.close();
  connection_lost(reason);
}

void ChatClient::connection_lost(std::string_view reason) {
  last_disconnect_reason_ = std::string(reason);  // the user-facing line stays short
  const std::int64_t now = clock_();
  // A message whose ack is lost may or may not have been stored: it is sent
  // again with the same key once the session is back, and the server, which
  // scopes keys to the member, stores it at most once.
  outgoing_.connection_lost();
  history_.failed();  // its answer went with the connection
  nickname_ack_id_.reset();
  const std::int64_t delay = backoff_.next_delay_ms();
  model_.set_reconnect_at(now + delay);
  set_state(ConnectionState::Disconnected);
  model_.add_system("Disconnected, reconnecting in " + format_countdown(delay) + "\u2026", now);
}

void ChatClient::on_transport_open() {
  if (state() != ConnectionState::Connecting) return;
  set_state(ConnectionState::Handshaking);
}

void ChatClient::on_transport_closed(std::string_view reason) {
  if (state() == ConnectionState::Disconnected) return;  // already handled
  connection_lost(reason);
}

void ChatClient::on_transport_binary(std::string_view /*frame*/) {
  // The chat defines no binary events.
  ignore_frame();
}

void ChatClient::ignore_frame() { model_.count_ignored_frame(); }

void ChatClient::on_transport_text(std::string_view frame) {
  if (state() == ConnectionState::Disconnected || state() == ConnectionState::Connecting) return ignore_frame();
  auto packet = eio::decode_text_frame(frame);
  if (!packet) return ignore_frame();
  last_server_activity_ms_ = clock_();
  switch (packet->type) {
    case eio::PacketType::Open: handle_engine_open(packet->data); return;
    case eio::PacketType::Ping:
      // Echo the payload ("2probe" -> "3probe"), as Engine.IO does.
      transport_.send_text(eio::encode_text_frame(eio::PacketType::Pong, packet->data));
      return;
    case eio::PacketType::Close: drop_connection("server closed the session"); return;
    case eio::PacketType::Message:
      if (state() == ConnectionState::Handshaking) {
        ignore_frame();  // no Socket.IO traffic before the Engine.IO handshake
        return;
      }
      handle_socket_packet(packet->data);
      return;
    case eio::PacketType::Pong:
    case eio::PacketType::Upgrade:
    case eio::PacketType::Noop: return;
  }
}

void ChatClient::handle_engine_open(std::string_view data) {
  if (state() != ConnectionState::Handshaking) return ignore_frame();
  auto handshake = eio::decode_open(data);
  if (!handshake) {
    ignore_frame();
    drop_connection("bad handshake");
    return;
  }
  ping_interval_ms_ = handshake->ping_interval_ms;
  ping_timeout_ms_ = handshake->ping_timeout_ms;
  set_state(ConnectionState::NamespaceConnecting);
  // Ask to resume only a joined session: the server keeps no other.
  std::optional<sio::ResumeAuth> resume;
  if (!recovery_pid_.empty() && !last_offset_.empty() && !accepted_nickname_.empty()) {
    resume = sio::ResumeAuth{recovery_pid_, last_offset_};
  }
  send_packet_text(sio::encode(sio::encode_connect(resume)));
}

void ChatClient::send_packet_text(std::string_view sio_text) {
  transport_.send_text(eio::encode_text_frame(eio::PacketType::Message, sio_text));
}

void ChatClient::send_nickname(const std::string& nickname) {
  requested_nickname_ = nickname;
  nickname_ack_id_ = next_ack_id_++;
  send_packet_text(sio::encode(events::encode(events::NicknameRequest{nickname, nickname_ack_id_})));
  set_state(ConnectionState::Joining);
}

void ChatClient::handle_socket_packet(std::string_view text) {
  auto packet = sio::decode(text);
  if (!packet || packet->nsp != "/") return ignore_frame();
  const std::int64_t now = clock_();
  switch (packet->type) {
    case sio::PacketType::Connect: handle_namespace_connect(*packet); return;
    case sio::PacketType::ConnectError: {
      const auto refusal = sio::decode_connect_error(*packet);
      const std::string reason = refusal ? refusal->message : "connection refused";
      model_.add_error("Server refused the connection: " + reason, now);
      drop_connection(reason);
      return;
    }
    case sio::PacketType::Disconnect: drop_connection("server ended the session"); return;
    case sio::PacketType::Ack:
      if (packet->ack_id) handle_ack(*packet->ack_id, *packet);
      return;
    case sio::PacketType::Event: break;
    case sio::PacketType::BinaryEvent:
    case sio::PacketType::BinaryAck: ignore_frame(); return;
  }

  if (!is_session_open(state())) return ignore_frame();
  // With recovery on, every broadcast ends with its offset (a string); the
  // other events end with something else, as socket.io-client assumes too.
  if (!recovery_pid_.empty()) {
    if (auto offset = sio::trailing_offset(*packet)) last_offset_ = std::move(*offset);
  }
  auto event = events::decode_server_event(*packet);
  if (!event) {
    ignore_frame();  // unknown events are expected from newer servers
    return;
  }
  if (auto* message = std::get_if<events::UserMessage>(&*event)) {
    const auto ts = message->meta.ts != 0 ? message->meta.ts : now;
    model_.add_user_message(std::move(message->from), std::move(message->text), message->meta.id, ts,
                            message->meta.history);
  } else if (auto* announcement = std::get_if<events::Announcement>(&*event)) {
    model_.add_announcement(std::move(announcement->text), now);
  } else if (auto* nicknames = std::get_if<events::Nicknames>(&*event)) {
    model_.set_online(std::move(nicknames->nicknames));
  } else if (auto* error = std::get_if<events::ChatError>(&*event)) {
    if (error->event == events::kNickname && state() == ConnectionState::Joining) {
      // A refusal without an ack: back to the nickname form.
      nickname_ack_id_.reset();
      model_.set_nickname_error(error->reason);
      set_state(ConnectionState::NeedsNickname);
    } else {
      model_.add_error(error->reason.empty() ? "The server refused " + error->event : error->reason, now);
    }
  }
}

void ChatClient::handle_namespace_connect(const sio::Packet& packet) {
  if (state() != ConnectionState::NamespaceConnecting) return ignore_frame();
  auto answer = sio::decode_connect_answer(packet);
  if (!answer) return ignore_frame();
  const std::int64_t now = clock_();
  std::string pid = answer->pid.value_or("");  // an empty pid offers nothing to resume
  const bool resumed = !pid.empty() && pid == recovery_pid_ && !accepted_nickname_.empty();
  if (pid != recovery_pid_) last_offset_.clear();  // a new session: the old offset means nothing to it
  recovery_pid_ = std::move(pid);
  model_.set_session_resumed(resumed);
  backoff_.reset();
  if (had_session_) model_.add_system("Reconnected", now);
  had_session_ = true;
  if (resumed) {
    // Still joined under the same nickname; what was missed comes next, then
    // the messages that were not acknowledged, in order.
    set_state(ConnectionState::Joined);
    send_next_message();
  } else if (!accepted_nickname_.empty()) {
    auto_rejoin_ = true;
    send_nickname(accepted_nickname_);
  } else {
    set_state(ConnectionState::NeedsNickname);
  }
}

void ChatClient::handle_ack(std::uint64_t ack_id, const sio::Packet& packet) {
  const std::int64_t now = clock_();
  if (nickname_ack_id_ && ack_id == *nickname_ack_id_) {
    nickname_ack_id_.reset();
    auto answer = events::decode_nickname_ack(packet);
    if (!answer) {
      ignore_frame();
      model_.set_nickname_error("The server sent an unreadable answer");
      set_state(ConnectionState::NeedsNickname);
      return;
    }
    if (answer->refused) {
      model_.set_nickname_error(answer->reason.empty() ? "Nickname refused" : answer->reason);
      if (auto_rejoin_) {
        // Someone took our name while we were away: the user picks again,
        // and what was typed under the old name is not sent under a new one.
        model_.add_error("Could not rejoin as " + accepted_nickname_ + ": " + model_.nickname_error(), now);
        fail_outgoing("not sent: could not rejoin as " + accepted_nickname_);
        accepted_nickname_.clear();
      }
      auto_rejoin_ = false;
      set_state(ConnectionState::NeedsNickname);
      return;
    }
    accepted_nickname_ = requested_nickname_;
    auto_rejoin_ = false;
    model_.set_nickname(accepted_nickname_);
    model_.set_nickname_error("");
    set_state(ConnectionState::Joined);
    send_next_message();  // after a re-join: what the last session left unacknowledged
    return;
  }

  if (history_.is_in_flight(ack_id)) return handle_history_ack(packet);
  if (!outgoing_.is_in_flight(ack_id)) {
    ignore_frame();  // an ack we did not ask for
    return;
  }
  auto answer = events::decode_user_message_ack(packet);
  if (answer && !answer->meta && answer->error.starts_with(events::kRateLimitReason)) {
    // Refused for now, not for good: the same message again, later, before
    // any that follows it.
    outgoing_.retry_later(now);
    return;
  }
  const auto done = outgoing_.finish();
  if (!answer) {
    ignore_frame();
    model_.fail_own_message(done.line_seq, "the server sent an unreadable answer");
  } else if (answer->meta) {
    model_.confirm_own_message(done.line_seq, answer->meta->id, answer->meta->ts);
  } else {
    model_.fail_own_message(done.line_seq, answer->error.empty() ? "refused" : answer->error);
  }
  send_next_message();
}

bool ChatClient::request_older_history() {
  if (state() != ConnectionState::Joined || !history_.should_request(model_.lines().size())) return false;
  const std::uint64_t ack_id = next_ack_id_++;
  send_packet_text(sio::encode(events::encode(events::HistoryRequest{model_.oldest_message_id(), ack_id})));
  history_.requested(ack_id);
  return true;
}

void ChatClient::handle_history_ack(const sio::Packet& packet) {
  auto answer = events::decode_history_ack(packet);
  if (!answer || !answer->page) {
    // Asked again when the reader next reaches the top; a refusal for good
    // (not the rate limit) is worth a line.
    history_.failed();
    if (!answer) return ignore_frame();
    if (!answer->error.starts_with(events::kRateLimitReason)) {
      model_.add_error("Older messages could not be loaded: " + answer->error, clock_());
    }
    return;
  }
  std::vector<HistoryLine> page;
  page.reserve(answer->page->messages.size());
  for (auto& entry : answer->page->messages) {
    page.push_back(HistoryLine{std::move(entry.from), std::move(entry.text), entry.id, entry.ts});
  }
  model_.prepend_history(page);
  history_.answered(answer->page->more);
}

std::size_t ChatClient::trim_log_at_bottom() {
  const std::size_t dropped = model_.trim_to(history_.keep_at_bottom(model_.lines().size()));
  if (dropped > 0) history_.trimmed();
  return dropped;
}

void ChatClient::send_next_message() {
  if (state() != ConnectionState::Joined) return;
  const auto* next = outgoing_.next_to_send(clock_());
  if (next == nullptr) return;
  const std::uint64_t ack_id = next_ack_id_++;
  send_packet_text(sio::encode(events::encode(events::UserMessageRequest{next->text, ack_id, next->key})));
  outgoing_.sent(ack_id);
}

void ChatClient::fail_outgoing(const std::string& reason) {
  for (const auto& message : outgoing_.take_all()) model_.fail_own_message(message.line_seq, reason);
}

codec::Result<void, codec::Failure> ChatClient::submit_nickname(std::string_view nickname) {
  if (state() != ConnectionState::NeedsNickname) {
    return codec::Failure{state() == ConnectionState::Joining ? "Already joining" : "Not connected yet"};
  }
  std::string nick = codec::rules::trim(nickname);
  if (auto checked = codec::rules::validate_nickname(nick); !checked) {
    model_.set_nickname_error(checked.error().reason);
    return codec::Failure{checked.error().reason};
  }
  model_.set_nickname_error("");
  auto_rejoin_ = false;  // the user's own choice from here on
  send_nickname(nick);
  return {};
}

codec::Result<void, codec::Failure> ChatClient::send_message(std::string_view text) {
  const std::int64_t now = clock_();
  if (state() != ConnectionState::Joined) return codec::Failure{"Not connected"};
  if (auto checked = codec::rules::validate_message(text); !checked) {
    // A blank line is simply not sent: no error line for an idle Enter.
    if (!codec::rules::trim(text).empty()) model_.add_error(checked.error().reason, now);
    return codec::Failure{checked.error().reason};
  }
  outgoing_.add(model_.add_own_message(accepted_nickname_, std::string(text), now), std::string(text));
  send_next_message();
  return {};
}

}  // namespace chat_client

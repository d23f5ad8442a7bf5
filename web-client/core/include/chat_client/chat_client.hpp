#pragma once
// The chat's protocol client: drives the connection through its states,
// speaks Engine.IO / Socket.IO through the shared codec, and writes what
// happens into the ChatModel. The UI calls submit_nickname / send_message;
// the platform feeds transport events and calls tick() every frame.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "chat_client/chat_model.hpp"
#include "chat_client/connection_state.hpp"
#include "chat_client/history_pager.hpp"
#include "chat_client/outgoing_messages.hpp"
#include "chat_client/reconnect_backoff.hpp"
#include "chat_client/transport.hpp"
#include "codec/result.hpp"
#include "codec/socketio_packet.hpp"

namespace chat_client {

struct ClientConfig {
  // Lines the log keeps when the reader is at the bottom; older ones are
  // dropped and paged back in on demand (the model's cap bounds paging).
  std::size_t kept_lines = 2000;
  std::string url;  // ws(s)://host/socket.io/?EIO=4&transport=websocket
  BackoffPolicy backoff;
  std::int64_t connect_timeout_ms = 10000;  // from open() to the Socket.IO CONNECT answer
  std::function<double()> random01;         // jitter source; a fixed 0.5 when empty
};

class ChatClient final : public TransportEvents {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

  ChatClient(ClientConfig config, Transport& transport, ChatModel& model, Clock clock);

  // Opens the first connection.
  void start();
  // Runs the timers (reconnect, heartbeat, connect timeout). Call often.
  void tick();

  // The nickname form. Done when the nickname was sent; else the local
  // refusal (a broken rule is also stored in the model as the nickname error).
  codec::Result<void, codec::Failure> submit_nickname(std::string_view nickname);
  // The message line. Done when the message was taken (shown as Pending,
  // sent at once or behind the messages still unacknowledged); else the
  // local refusal, also logged as an error line unless the text was blank
  // (an idle Enter is no mistake worth a line).
  codec::Result<void, codec::Failure> send_message(std::string_view text);

  // The reader reached the top of the log: asks for the page of messages
  // before the oldest one shown, unless one is on its way, none are left,
  // or the log has no room. Returns whether it asked.
  bool request_older_history();
  // The reader is at the bottom: drops the oldest lines beyond what the log
  // keeps there (paged back in on demand). Returns how many went.
  std::size_t trim_log_at_bottom();
  const HistoryPager& history_pager() const { return history_; }

  // The state lives in the model, which is what the view draws from.
  ConnectionState state() const { return model_.connection_state(); }
  const ChatModel& model() const { return model_; }
  // Whether the user is asked for a nickname: waiting for one, or waiting for
  // the answer to the one they typed (not while a reconnect re-joins on its own).
  bool shows_nickname_prompt() const;
  // Why the last connection ended (for diagnostics and the test view).
  const std::string& last_disconnect_reason() const { return last_disconnect_reason_; }
  // This page's part of every message's idempotency key.
  const std::string& message_key_prefix() const { return outgoing_.key_prefix(); }

  // TransportEvents
  void on_transport_open() override;
  void on_transport_text(std::string_view frame) override;
  void on_transport_binary(std::string_view frame) override;
  void on_transport_closed(std::string_view reason) override;

 private:
  void set_state(ConnectionState state);
  void connect();
  // Closes the connection, then as connection_lost().
  void drop_connection(std::string_view reason);
  // Schedules a reconnect; the unacknowledged messages wait for the next session.
  void connection_lost(std::string_view reason);
  // Sends the next unacknowledged message when the session is joined and
  // none is in flight.
  void send_next_message();
  // Marks every unacknowledged message failed with `reason`.
  void fail_outgoing(const std::string& reason);
  void send_packet_text(std::string_view sio_text);
  void send_nickname(const std::string& nickname);
  void handle_engine_open(std::string_view data);
  void handle_socket_packet(std::string_view text);
  void handle_ack(std::uint64_t ack_id, const codec::sio::Packet& packet);
  void handle_history_ack(const codec::sio::Packet& packet);
  void handle_namespace_connect(const codec::sio::Packet& packet);
  void ignore_frame();

  ClientConfig config_;
  Transport& transport_;
  ChatModel& model_;
  Clock clock_;
  ReconnectBackoff backoff_;

  bool started_ = false;
  bool had_session_ = false;  // a Socket.IO session existed before: next one is a "reconnect"
  std::int64_t connect_started_ms_ = 0;
  std::string last_disconnect_reason_;

  // Heartbeat: the server pings every interval; silence beyond
  // interval + timeout means the connection is dead even if the socket is not.
  std::int64_t ping_interval_ms_ = 25000;
  std::int64_t ping_timeout_ms_ = 20000;
  std::int64_t last_server_activity_ms_ = 0;

  std::uint64_t next_ack_id_ = 1;
  std::optional<std::uint64_t> nickname_ack_id_;
  std::string requested_nickname_;
  std::string accepted_nickname_;  // re-sent automatically after a reconnect
  bool auto_rejoin_ = false;       // the nickname in flight is the reconnect's, not the user's
  OutgoingMessages outgoing_;      // typed, not yet acknowledged; resent after a reconnect
  HistoryPager history_;           // older history on demand

  // Connection state recovery (Socket.IO 4.6+): the private session id the
  // server gave, and the offset of the last broadcast seen. A reconnect sends
  // both; the same pid in the answer means the server resumed the session
  // (nickname kept, missed broadcasts follow), so there is nothing to re-join.
  std::string recovery_pid_;
  std::string last_offset_;
};

}  // namespace chat_client

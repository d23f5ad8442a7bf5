#pragma once
// A Socket.IO v5 / Engine.IO v4 test client over a real WebSocket (Boost.Beast).
//
// Single-threaded and synchronous from the test's point of view: every call
// runs the client's own io_context until what it waits for has happened or
// its timeout has passed, so no test can hang. One read is always pending
// while the connection is open; every frame received is logged in order
// (received()), and the frames a test has not consumed yet wait in an inbox.
// Engine.IO pings ("2") never enter the inbox: they are counted and, unless
// auto-pong is switched off, answered with "3" at once.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "codec/chat_events.hpp"
#include "codec/engineio_packet.hpp"
#include "codec/socketio_packet.hpp"

namespace chat_it {

class SocketIoTestClient {
 public:
  using Clock = std::chrono::steady_clock;
  using Duration = std::chrono::milliseconds;
  static constexpr Duration kTimeout{3000};
  static constexpr const char* kDefaultTarget = "/socket.io/?EIO=4&transport=websocket";

  // The close frame the server sent.
  struct CloseFrame {
    std::uint16_t code = 0;
    std::string reason;
  };

  explicit SocketIoTestClient(std::uint16_t port);
  ~SocketIoTestClient();
  SocketIoTestClient(const SocketIoTestClient&) = delete;
  SocketIoTestClient& operator=(const SocketIoTestClient&) = delete;

  // ---- connecting -----------------------------------------------------------

  // TCP connect and WebSocket upgrade only. Returns false when the server
  // declined the upgrade (see upgrade_response()); throws on other failures.
  bool try_open_websocket(const std::string& target = kDefaultTarget, Duration timeout = kTimeout);
  // Same, but a declined upgrade throws too.
  void open_websocket(const std::string& target = kDefaultTarget, Duration timeout = kTimeout);
  // The server's answer to the upgrade request.
  const boost::beast::websocket::response_type& upgrade_response() const { return upgrade_response_; }

  // The whole handshake: WebSocket, Engine.IO open packet, then "40" and the
  // server's "40{"sid":...}". Throws when any step differs.
  void connect(Duration timeout = kTimeout);
  // connect() (unless connected already), then the nickname with an ack id:
  // expects [false] and the "nicknames" list that names us.
  void join(const std::string& nickname, Duration timeout = kTimeout);

  const std::string& open_frame() const { return open_frame_; }          // raw "0{...}"
  const codec::eio::Handshake& handshake() const { return handshake_; }  // decoded open packet
  const std::string& connect_frame() const { return connect_frame_; }    // raw "40{...}"
  const std::string& socket_id() const { return socket_id_; }

  // ---- sending --------------------------------------------------------------

  // One WebSocket frame; returns once it is written. Throws if it cannot be.
  void send_text(std::string_view frame, Duration timeout = kTimeout);
  void send_binary(std::string_view bytes, Duration timeout = kTimeout);
  // "4" + the Socket.IO encoding of the packet.
  void send_packet(const codec::sio::Packet& packet, Duration timeout = kTimeout);
  // An EVENT with a fresh ack id; returns the id.
  std::uint64_t emit(std::string_view event, nlohmann::json args);
  void emit_without_ack(std::string_view event, nlohmann::json args);
  // Sends a chat message with an ack id and waits for the ack; throws when
  // the server refuses it. Returns the stored message's meta.
  codec::events::MessageMeta say(const std::string& text, Duration timeout = kTimeout);
  // The ack id the next emit() will use.
  std::uint64_t next_ack_id() const { return next_ack_id_; }
  // Takes an ack id for a frame the test writes by hand.
  std::uint64_t reserve_ack_id() { return next_ack_id_++; }

  // ---- receiving ------------------------------------------------------------

  // The next frame of the inbox (pings excluded). Throws on timeout or when
  // the connection ended with nothing left to read. The offset that ends each
  // broadcast (connection state recovery, tested with the stock client in
  // tests/socketio-client/recovery.test.mjs) is removed, so that tests
  // compare the chat's own arguments.
  std::string next_frame(Duration timeout = kTimeout);
  static std::string without_broadcast_offset(std::string frame);
  // The next frame, which must be a Socket.IO packet; decoded.
  codec::sio::Packet next_packet(Duration timeout = kTimeout);
  // Skips (and drops) frames until the event named `name` / the ack `id`.
  codec::sio::Packet wait_for_event(std::string_view name, Duration timeout = kTimeout);
  codec::sio::Packet wait_for_ack(std::uint64_t id, Duration timeout = kTimeout);
  // Every frame up to and including the first one `last` accepts.
  std::vector<std::string> frames_until(const std::function<bool(const std::string&)>& last,
                                        Duration timeout = kTimeout);
  // Keeps reading (and answering pings) for `duration`.
  void pump_for(Duration duration);
  // Waits until the connection ends; returns the server's close frame. The
  // inbox is left alone. Throws on timeout or when no close frame came.
  CloseFrame wait_for_close(Duration timeout = kTimeout);
  // Waits for `condition`, reading meanwhile; false on timeout.
  bool wait_until(const std::function<bool()>& condition, Duration timeout = kTimeout);

  bool closed() const { return closed_; }
  const std::optional<CloseFrame>& close_frame() const { return close_frame_; }
  std::size_t pings_received() const { return pings_; }
  void set_auto_pong(bool on) { auto_pong_ = on; }
  // Every frame received, pings included, in order.
  const std::vector<std::string>& received() const { return log_; }
  std::size_t inbox_size() const { return inbox_.size(); }

  // ---- leaving ---------------------------------------------------------------

  // WebSocket closing handshake with code 1000.
  void close(Duration timeout = kTimeout);
  // Drops the TCP connection without a close frame.
  void drop();

  // Decodes a frame that must hold an Engine.IO message with a Socket.IO packet.
  static codec::sio::Packet decode_message(const std::string& frame);

 private:
  bool run_until(const std::function<bool()>& done, Clock::time_point deadline);
  void await(bool& done, Clock::time_point deadline, const char* what);
  void start_read();
  void on_read(boost::beast::error_code error);
  void queue_write(std::string frame, bool binary);
  void write_next();
  void send_frame(std::string frame, bool binary, Duration timeout);
  void mark_closed(boost::beast::error_code error);
  void abort_io();
  std::string describe() const;

  std::uint16_t port_;
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::websocket::response_type upgrade_response_;
  boost::beast::flat_buffer read_buffer_;

  bool open_ = false;     // the WebSocket upgrade succeeded
  bool reading_ = false;  // a read is pending
  bool closed_ = false;   // the connection has ended
  boost::beast::error_code end_error_;
  std::optional<CloseFrame> close_frame_;

  std::deque<std::pair<std::string, bool>> write_queue_;  // frame, binary
  bool writing_ = false;
  std::uint64_t writes_queued_ = 0;
  std::uint64_t writes_done_ = 0;
  boost::beast::error_code write_error_;

  std::deque<std::string> inbox_;
  std::vector<std::string> log_;
  std::size_t pings_ = 0;
  bool auto_pong_ = true;

  std::string open_frame_;
  codec::eio::Handshake handshake_;
  std::string connect_frame_;
  std::string socket_id_;
  std::uint64_t next_ack_id_ = 1;
};

}  // namespace chat_it

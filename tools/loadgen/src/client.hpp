#pragma once
// One simulated chat user: a WebSocket to the server (Boost.Beast, driven by
// the run's one io thread), its outbound queue, and what the run counts about
// it. The parts of a run read and set its state directly; what it reads goes
// to ClientEvents.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>

#include "client_events.hpp"

namespace loadgen {

enum class ClientState { Waiting, Connecting, Open, Connected, Joined, Closed };

class Client {
 public:
  Client(boost::asio::io_context& io, ClientEvents& events, int index, std::string nickname);

  // TCP connect and the WebSocket handshake to /socket.io/, then reads (the
  // server speaks first). `failed` gets why, if either fails.
  void connect(const boost::asio::ip::tcp::endpoint& endpoint, const std::string& host_header,
               std::function<void(const std::string& why)> failed);
  // Reads the next frame, and goes on reading while `reading` holds.
  void read();
  // Reads without looking, counting the bytes, while `keep_going()` holds: a
  // stalled client catching up with its backlog.
  void drain(std::function<bool()> keep_going);
  // Queues a frame; frames go out one at a time, in order.
  void send(std::string frame);
  // A chat message stamped with `stamp` (see now_ns()), padded to `size`
  // characters, with the next ack id.
  void send_message(std::int64_t stamp, int size);
  // Closes the TCP connection at once, without a WebSocket close.
  void drop();
  // Why the connection ended, from the error that ended it.
  std::string close_reason(boost::system::error_code ec) const;

  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws;
  ClientState state = ClientState::Waiting;
  const int idx;  // -1: not one of the run's clients (the storm's pre-filler)
  const std::string nick;
  bool counted = false;  // counted as ready or failed in the connect phase
  bool reading = true;   // false: stalled (a slow consumer that never reads)
  bool read_pending = false;
  bool stalled = false;
  std::int64_t ready_ns = 0;
  int history = 0;
  std::int64_t history_ns = 0;
  std::uint64_t next_ack = 2;  // 1 is the nickname's
  // As a sender.
  std::uint64_t sent = 0, acked = 0, probed = 0;
  bool probe_alive = true;
  // How it ended.
  std::string end_reason;
  std::uint64_t drained_bytes = 0;

 private:
  void write();

  ClientEvents& events_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  bool writing_ = false;
};

}  // namespace loadgen

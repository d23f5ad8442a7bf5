#include "socketio_test_client.hpp"

#include <regex>

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

namespace chat_it {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

namespace {

std::string printable(const std::string& frame) {
  constexpr std::size_t kMax = 160;
  std::string out =
      frame.size() > kMax ? frame.substr(0, kMax) + "...(" + std::to_string(frame.size()) + " bytes)" : frame;
  return "'" + out + "'";
}

}  // namespace

SocketIoTestClient::SocketIoTestClient(std::uint16_t port) : port_(port), ws_(io_) {}

SocketIoTestClient::~SocketIoTestClient() { abort_io(); }

// ---- io_context plumbing -----------------------------------------------------

bool SocketIoTestClient::run_until(const std::function<bool()>& done, Clock::time_point deadline) {
  io_.restart();
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    if (io_.run_one_until(deadline) == 0 && io_.stopped()) {
      // No operation pending (the connection is gone): nothing can change any more.
      return done();
    }
  }
  return true;
}

void SocketIoTestClient::await(bool& done, Clock::time_point deadline, const char* what) {
  if (run_until([&] { return done; }, deadline)) return;
  abort_io();  // completes the pending handler (it refers to `done`)
  throw std::runtime_error(std::string("timed out: ") + what);
}

void SocketIoTestClient::abort_io() {
  beast::error_code ignored;
  auto& socket = beast::get_lowest_layer(ws_).socket();
  if (socket.is_open()) {
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
  io_.restart();
  io_.run_for(std::chrono::seconds(1));  // lets the aborted handlers finish
  if (!closed_ && open_) mark_closed(net::error::operation_aborted);
}

// ---- connecting ----------------------------------------------------------------

bool SocketIoTestClient::try_open_websocket(const std::string& target, Duration timeout) {
  if (open_) throw std::logic_error("WebSocket already open");
  const auto deadline = Clock::now() + timeout;
  bool done = false;
  beast::error_code error;
  beast::get_lowest_layer(ws_).async_connect(tcp::endpoint(net::ip::address_v4::loopback(), port_),
                                             [&](beast::error_code e) {
                                               error = e;
                                               done = true;
                                             });
  await(done, deadline, "TCP connect");
  if (error) throw std::runtime_error("TCP connect to port " + std::to_string(port_) + " failed: " + error.message());

  done = false;
  ws_.async_handshake(upgrade_response_, "127.0.0.1:" + std::to_string(port_), target, [&](beast::error_code e) {
    error = e;
    done = true;
  });
  await(done, deadline, "WebSocket upgrade");
  if (error == websocket::error::upgrade_declined) return false;
  if (error) throw std::runtime_error("WebSocket upgrade failed: " + error.message());
  open_ = true;
  start_read();
  return true;
}

void SocketIoTestClient::open_websocket(const std::string& target, Duration timeout) {
  if (!try_open_websocket(target, timeout)) {
    throw std::runtime_error("WebSocket upgrade declined with HTTP " + std::to_string(upgrade_response_.result_int()) +
                             ": " + upgrade_response_.body());
  }
}

void SocketIoTestClient::connect(Duration timeout) {
  open_websocket(kDefaultTarget, timeout);
  open_frame_ = next_frame(timeout);
  if (open_frame_.empty() || open_frame_[0] != '0') {
    throw std::runtime_error("expected the Engine.IO open packet, got " + printable(open_frame_));
  }
  auto handshake = codec::eio::decode_open(std::string_view(open_frame_).substr(1));
  if (!handshake)
    throw std::runtime_error("bad open packet " + printable(open_frame_) + ": " + handshake.error().reason);
  handshake_ = *handshake;

  send_text("40", timeout);
  connect_frame_ = next_frame(timeout);
  const auto packet = decode_message(connect_frame_);
  if (packet.type != codec::sio::PacketType::Connect || packet.nsp != "/" || !packet.data.is_object() ||
      !packet.data.contains("sid") || !packet.data["sid"].is_string()) {
    throw std::runtime_error("expected 40{\"sid\":...}, got " + printable(connect_frame_));
  }
  socket_id_ = packet.data["sid"].get<std::string>();
}

void SocketIoTestClient::join(const std::string& nickname, Duration timeout) {
  if (!open_) connect(timeout);
  const auto id = emit(codec::events::kNickname, json::array({nickname}));
  const auto ack = codec::events::decode_nickname_ack(wait_for_ack(id, timeout));
  if (!ack) throw std::runtime_error("bad nickname ack: " + ack.error().reason);
  if (ack->refused) throw std::runtime_error("nickname '" + nickname + "' refused: " + ack->reason);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    const auto packet = wait_for_event(codec::events::kNicknames, std::max(left, Duration(1)));
    if (packet.data.size() > 1 && packet.data[1].is_object() && packet.data[1].contains(nickname)) return;
  }
}

// ---- sending ---------------------------------------------------------------------

void SocketIoTestClient::queue_write(std::string frame, bool binary) {
  write_queue_.emplace_back(std::move(frame), binary);
  ++writes_queued_;
  if (!writing_) write_next();
}

void SocketIoTestClient::write_next() {
  if (write_queue_.empty() || write_error_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.binary(write_queue_.front().second);
  ws_.async_write(net::buffer(write_queue_.front().first), [this](beast::error_code error, std::size_t) {
    if (error) {
      write_error_ = error;
      writing_ = false;
      write_queue_.clear();
      return;
    }
    write_queue_.pop_front();
    ++writes_done_;
    write_next();
  });
}

void SocketIoTestClient::send_frame(std::string frame, bool binary, Duration timeout) {
  if (!open_ || closed_) {
    throw std::runtime_error("cannot send " + printable(frame) + ": connection is not open; " + describe());
  }
  const auto target = writes_queued_ + 1;
  const auto shown = printable(frame);
  queue_write(std::move(frame), binary);
  if (!run_until([&] { return writes_done_ >= target || write_error_; }, Clock::now() + timeout)) {
    throw std::runtime_error("timed out sending " + shown);
  }
  if (write_error_) throw std::runtime_error("sending " + shown + " failed: " + write_error_.message());
}

void SocketIoTestClient::send_text(std::string_view frame, Duration timeout) {
  send_frame(std::string(frame), false, timeout);
}

void SocketIoTestClient::send_binary(std::string_view bytes, Duration timeout) {
  send_frame(std::string(bytes), true, timeout);
}

void SocketIoTestClient::send_packet(const codec::sio::Packet& packet, Duration timeout) {
  send_text(codec::eio::encode_text_frame(codec::eio::PacketType::Message, codec::sio::encode(packet)), timeout);
}

std::uint64_t SocketIoTestClient::emit(std::string_view event, json args) {
  const auto id = next_ack_id_++;
  send_packet(codec::sio::make_event(event, std::move(args), id));
  return id;
}

void SocketIoTestClient::emit_without_ack(std::string_view event, json args) {
  send_packet(codec::sio::make_event(event, std::move(args)));
}

codec::events::MessageMeta SocketIoTestClient::say(const std::string& text, Duration timeout) {
  const auto id = emit(codec::events::kUserMessage, json::array({text}));
  const auto ack = codec::events::decode_user_message_ack(wait_for_ack(id, timeout));
  if (!ack) throw std::runtime_error("bad message ack: " + ack.error().reason);
  if (!ack->meta) throw std::runtime_error("message refused: " + ack->error);
  return *ack->meta;
}

// ---- receiving -------------------------------------------------------------------

void SocketIoTestClient::start_read() {
  reading_ = true;
  ws_.async_read(read_buffer_, [this](beast::error_code error, std::size_t) { on_read(error); });
}

void SocketIoTestClient::on_read(beast::error_code error) {
  reading_ = false;
  if (error) {
    mark_closed(error);
    return;
  }
  std::string frame = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  log_.push_back(frame);
  if (ws_.got_text() && frame == "2") {
    ++pings_;
    if (auto_pong_) queue_write("3", false);
  } else {
    inbox_.push_back(std::move(frame));
  }
  start_read();
}

void SocketIoTestClient::mark_closed(beast::error_code error) {
  if (closed_) return;
  closed_ = true;
  end_error_ = error;
  if (error == websocket::error::closed) {
    const auto& reason = ws_.reason();
    close_frame_ =
        CloseFrame{static_cast<std::uint16_t>(reason.code), std::string(reason.reason.data(), reason.reason.size())};
  }
}

std::string SocketIoTestClient::next_frame(Duration timeout) {
  run_until([&] { return !inbox_.empty() || closed_; }, Clock::now() + timeout);
  if (inbox_.empty()) {
    throw std::runtime_error(std::string(closed_ ? "connection ended" : "timed out") + " while waiting for a frame; " +
                             describe());
  }
  std::string frame = std::move(inbox_.front());
  inbox_.pop_front();
  return without_broadcast_offset(std::move(frame));
}

std::string SocketIoTestClient::without_broadcast_offset(std::string frame) {
  static const std::regex kOffset(R"(^(42\[.*),"[0-9]+-[0-9]+-[0-9]+"\]$)");
  std::smatch match;
  if (std::regex_match(frame, match, kOffset)) return match[1].str() + "]";
  return frame;
}

codec::sio::Packet SocketIoTestClient::decode_message(const std::string& frame) {
  if (frame.empty() || frame[0] != '4') {
    throw std::runtime_error("expected an Engine.IO message packet, got " + printable(frame));
  }
  auto packet = codec::sio::decode(std::string_view(frame).substr(1));
  if (!packet)
    throw std::runtime_error("undecodable Socket.IO packet " + printable(frame) + ": " + packet.error().reason);
  return std::move(*packet);
}

codec::sio::Packet SocketIoTestClient::next_packet(Duration timeout) { return decode_message(next_frame(timeout)); }

codec::sio::Packet SocketIoTestClient::wait_for_event(std::string_view name, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    if (left.count() <= 0) {
      throw std::runtime_error("timed out waiting for event '" + std::string(name) + "'; " + describe());
    }
    std::string frame;
    try {
      frame = next_frame(left);
    } catch (const std::exception& error) {
      throw std::runtime_error("waiting for event '" + std::string(name) + "': " + error.what());
    }
    if (frame.empty() || frame[0] != '4') continue;
    auto packet = codec::sio::decode(std::string_view(frame).substr(1));
    if (packet && packet->type == codec::sio::PacketType::Event && packet->data.front() == name) {
      return std::move(*packet);
    }
  }
}

codec::sio::Packet SocketIoTestClient::wait_for_ack(std::uint64_t id, Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    if (left.count() <= 0)
      throw std::runtime_error("timed out waiting for ack " + std::to_string(id) + "; " + describe());
    std::string frame;
    try {
      frame = next_frame(left);
    } catch (const std::exception& error) {
      throw std::runtime_error("waiting for ack " + std::to_string(id) + ": " + error.what());
    }
    if (frame.empty() || frame[0] != '4') continue;
    auto packet = codec::sio::decode(std::string_view(frame).substr(1));
    if (packet && packet->type == codec::sio::PacketType::Ack && packet->ack_id == id) return std::move(*packet);
  }
}

std::vector<std::string> SocketIoTestClient::frames_until(const std::function<bool(const std::string&)>& last,
                                                          Duration timeout) {
  const auto deadline = Clock::now() + timeout;
  std::vector<std::string> frames;
  for (;;) {
    const auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    if (left.count() <= 0) throw std::runtime_error("timed out in frames_until; " + describe());
    frames.push_back(next_frame(left));
    if (last(frames.back())) return frames;
  }
}

void SocketIoTestClient::pump_for(Duration duration) {
  const auto deadline = Clock::now() + duration;
  run_until([] { return false; }, deadline);
  std::this_thread::sleep_until(deadline);  // when the connection is gone, time still passes
}

bool SocketIoTestClient::wait_until(const std::function<bool()>& condition, Duration timeout) {
  return run_until(condition, Clock::now() + timeout);
}

SocketIoTestClient::CloseFrame SocketIoTestClient::wait_for_close(Duration timeout) {
  if (!run_until([&] { return closed_; }, Clock::now() + timeout)) {
    throw std::runtime_error("timed out waiting for the server to close the connection; " + describe());
  }
  if (!close_frame_) {
    throw std::runtime_error("connection ended without a close frame (" + end_error_.message() + "); " + describe());
  }
  return *close_frame_;
}

// ---- leaving -------------------------------------------------------------------------

void SocketIoTestClient::close(Duration timeout) {
  if (!open_ || closed_) return;
  bool done = false;
  ws_.async_close(websocket::close_code::normal, [&](beast::error_code) { done = true; });
  const bool finished = run_until([&] { return done && !reading_ && !writing_; }, Clock::now() + timeout);
  if (!finished) abort_io();  // `done` must not outlive this frame with a handler pending
  mark_closed(websocket::error::closed);
}

void SocketIoTestClient::drop() {
  abort_io();
  closed_ = true;
}

std::string SocketIoTestClient::describe() const {
  std::ostringstream text;
  text << "connection " << (closed_ ? "ended" : "open");
  if (closed_) text << " (" << end_error_.message() << ")";
  if (close_frame_) text << " with close frame " << close_frame_->code << " '" << close_frame_->reason << "'";
  text << "; last frames received:";
  const std::size_t from = log_.size() > 8 ? log_.size() - 8 : 0;
  for (std::size_t i = from; i < log_.size(); ++i) text << " " << printable(log_[i]);
  if (log_.empty()) text << " (none)";
  return text.str();
}

}  // namespace chat_it

#include "client.hpp"

#include <utility>

namespace loadgen {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

Client::Client(net::io_context& io, ClientEvents& events, int index, std::string nickname)
    : ws(io), idx(index), nick(std::move(nickname)), events_(events) {}

void Client::connect(const tcp::endpoint& endpoint, const std::string& host_header,
                     std::function<void(const std::string& why)> failed) {
  state = ClientState::Connecting;
  ws.next_layer().async_connect(endpoint, [this, host_header, failed](error_code ec) {
    if (ec) return failed("connect: " + ec.message());
    error_code ignored;
    ws.next_layer().set_option(tcp::no_delay(true), ignored);
    ws.read_message_max(std::uint64_t{64} << 20);
    ws.auto_fragment(false);
    ws.async_handshake(host_header, "/socket.io/?EIO=4&transport=websocket", [this, failed](error_code hec) {
      if (hec) return failed("websocket handshake: " + hec.message());
      state = ClientState::Open;
      read();
    });
  });
}

void Client::read() {
  read_pending = true;
  ws.async_read(buffer_, [this](error_code ec, std::size_t bytes) {
    read_pending = false;
    if (ec) return events_.on_closed(*this, ec);
    if (stalled && !reading) drained_bytes += bytes;
    const auto data = buffer_.data();
    events_.on_frame(*this, std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (reading && state != ClientState::Closed) read();
  });
}

void Client::drain(std::function<bool()> keep_going) {
  read_pending = true;
  ws.async_read(buffer_, [this, keep_going = std::move(keep_going)](error_code ec, std::size_t bytes) mutable {
    read_pending = false;
    if (ec) return events_.on_closed(*this, ec);
    drained_bytes += bytes;
    buffer_.consume(buffer_.size());
    if (state != ClientState::Closed && keep_going()) drain(std::move(keep_going));
  });
}

void Client::send(std::string frame) {
  if (state == ClientState::Closed) return;
  out_.push_back(std::move(frame));
  if (!writing_) write();
}

void Client::send_message(std::int64_t stamp, int size) {
  std::string text = "T" + std::to_string(stamp) + "." + std::to_string(idx) + "." + std::to_string(sent) + " ";
  if (static_cast<int>(text.size()) < size) text.append(static_cast<std::size_t>(size) - text.size(), 'x');
  send("42" + std::to_string(next_ack++) + "[\"user message\",\"" + text + "\"]");
  ++sent;
}

void Client::write() {
  writing_ = true;
  ws.async_write(net::buffer(out_.front()), [this](error_code ec, std::size_t) {
    out_.pop_front();
    if (ec) {
      writing_ = false;
      out_.clear();
      return events_.on_closed(*this, ec);
    }
    if (!out_.empty() && state != ClientState::Closed) return write();
    writing_ = false;
  });
}

void Client::drop() {
  error_code ignored;
  ws.next_layer().close(ignored);
}

std::string Client::close_reason(error_code ec) const {
  if (ec != websocket::error::closed) return ec.message();
  const auto& reason = ws.reason();
  return "closed by server: code " + std::to_string(reason.code) +
         (reason.reason.empty() ? "" : " \"" + std::string(reason.reason.c_str()) + "\"");
}

}  // namespace loadgen

#include "churn_driver.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <functional>
#include <memory>

namespace chat_it {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using Clock = std::chrono::steady_clock;

struct Run {
  net::io_context io;
  tcp::endpoint endpoint;
  std::string host;
  std::chrono::milliseconds step_timeout{};
  std::string nickname_prefix;
  std::size_t total = 0;
  std::size_t started = 0;
  ChurnDriver::Result result;
  std::function<void()> start_next;
};

// One connect / join / leave.
class Cycle : public std::enable_shared_from_this<Cycle> {
 public:
  Cycle(Run& run, std::size_t number) : run_(run), number_(number), ws_(run.io), watchdog_(run.io) {}

  void start() {
    arm();
    beast::get_lowest_layer(ws_).async_connect(run_.endpoint, [self = shared_from_this()](error_code error) {
      if (error) return self->finish("connect: " + error.message());
      self->arm();
      self->ws_.async_handshake(self->run_.host, "/socket.io/?EIO=4&transport=websocket", [self](error_code e) {
        if (e) return self->finish("WebSocket upgrade: " + e.message());
        self->ws_.text(true);
        self->read_until([](const std::string& f) { return f.rfind("0{", 0) == 0; }, [self] { self->connect(); });
      });
    });
  }

 private:
  void connect() {
    write("40", [self = shared_from_this()] {
      self->read_until([](const std::string& f) { return f.rfind("40{", 0) == 0; }, [self] { self->join(); });
    });
  }

  void join() {
    const std::string nickname = run_.nickname_prefix + std::to_string(number_);
    write("421[\"nickname\",\"" + nickname + "\"]", [self = shared_from_this()] {
      self->read_until([](const std::string& f) { return f.rfind("431[", 0) == 0; },
                       [self] {
                         if (self->last_frame_ != "431[false]")
                           return self->finish("nickname refused: " + self->last_frame_);
                         self->leave();
                       });
    });
  }

  void leave() {
    if (number_ % 10 == 9) {
      error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      return finish({});
    }
    arm();
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code error) {
      self->finish(error ? "close: " + error.message() : std::string());
    });
  }

  void write(std::string frame, std::function<void()> next) {
    out_ = std::move(frame);
    arm();
    ws_.async_write(net::buffer(out_),
                    [self = shared_from_this(), next = std::move(next)](error_code error, std::size_t) {
                      if (error) return self->finish("write: " + error.message());
                      next();
                    });
  }

  // Reads frames until one that `wanted` accepts (left in last_frame_).
  void read_until(std::function<bool(const std::string&)> wanted, std::function<void()> next) {
    arm();
    ws_.async_read(buffer_, [self = shared_from_this(), wanted = std::move(wanted), next = std::move(next)](
                                error_code error, std::size_t) mutable {
      if (error) return self->finish("read: " + error.message());
      self->last_frame_ = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      if (wanted(self->last_frame_)) return next();
      self->read_until(std::move(wanted), std::move(next));
    });
  }

  // Each step has step_timeout; when it passes, the socket is closed and the
  // pending operation fails.
  void arm() {
    watchdog_.expires_after(run_.step_timeout);
    watchdog_.async_wait([weak = weak_from_this()](error_code error) {
      auto self = weak.lock();
      if (error || !self || self->done_) return;
      self->timed_out_ = true;
      error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    });
  }

  void finish(const std::string& error) {
    if (done_) return;
    done_ = true;
    watchdog_.cancel();
    if (error.empty()) {
      ++run_.result.completed;
    } else {
      ++run_.result.failed;
      if (run_.result.first_errors.size() < 5) {
        run_.result.first_errors.push_back("cycle " + std::to_string(number_) + ": " + error +
                                           (timed_out_ ? " (step timed out)" : ""));
      }
    }
    run_.start_next();
  }

  Run& run_;
  std::size_t number_;
  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer watchdog_;
  beast::flat_buffer buffer_;
  std::string out_;
  std::string last_frame_;
  bool done_ = false;
  bool timed_out_ = false;
};

}  // namespace

ChurnDriver::ChurnDriver(std::uint16_t port, std::chrono::milliseconds step_timeout)
    : port_(port), step_timeout_(step_timeout) {}

ChurnDriver::Result ChurnDriver::run(std::size_t cycles, std::size_t concurrency, const std::string& nickname_prefix) {
  Run run;
  run.endpoint = tcp::endpoint(net::ip::address_v4::loopback(), port_);
  run.host = "127.0.0.1:" + std::to_string(port_);
  run.step_timeout = step_timeout_;
  run.nickname_prefix = nickname_prefix;
  run.total = cycles;
  run.start_next = [&run] {
    if (run.started >= run.total) return;
    std::make_shared<Cycle>(run, run.started++)->start();
  };
  const auto start = Clock::now();
  for (std::size_t i = 0; i < concurrency; ++i) run.start_next();
  run.io.run();
  run.result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return run.result;
}

}  // namespace chat_it

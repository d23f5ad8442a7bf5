// chat_loadgen: thousands of Socket.IO v5 WebSocket clients from one process
// (Boost.Beast, one io thread, all asynchronous) against a Socket.IO chat
// server on this machine. It speaks only the public protocol:
//   GET /socket.io/?EIO=4&transport=websocket, "0{..}" open -> "40",
//   "40{..}" -> 421["nickname","u7"], 431[false] = joined,
//   42N["user message","T<ns>.<sender>.<seq> xxx"] -> 43N[{id,ts}],
//   42["user message",from,text,{..}] deliveries, "2" ping -> "3" pong.
// The send time rides in the text, so latency is measured across all
// receivers. Results: one JSON line on stdout; progress on stderr.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "histogram.hpp"
#include "options.hpp"
#include "proc_stats.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace loadgen {
namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double seconds_between(std::int64_t from_ns, std::int64_t to_ns) { return static_cast<double>(to_ns - from_ns) / 1e9; }

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string fixed(double v, int digits = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string ms(std::int64_t micros) { return fixed(static_cast<double>(micros) / 1e3); }

template <typename T>
bool parse_int(std::string_view& s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{}) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

enum class State { Waiting, Connecting, Open, Connected, Joined, Closed };

struct Client {
  Client(net::io_context& io, int index, std::string nickname) : ws(io), idx(index), nick(std::move(nickname)) {}

  websocket::stream<tcp::socket> ws;
  beast::flat_buffer buffer;
  std::deque<std::string> out;
  bool writing = false;
  State state = State::Waiting;
  int idx;
  std::string nick;
  bool counted = false;       // counted as ready or failed in the connect phase
  bool reading = true;        // false: stalled (a slow consumer that never reads)
  bool read_pending = false;
  bool stalled = false;
  std::int64_t start_ns = 0;
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
};

class Run {
 public:
  Run(Options options, net::io_context& io) : o_(std::move(options)), io_(io), ticker_(io), watchdog_(io), rate_timer_(io) {}

  void start() {
    nofile_ = raise_nofile_limit();
    tcp::resolver resolver(io_);
    const auto results = resolver.resolve(o_.host == "localhost" ? "127.0.0.1" : o_.host, std::to_string(o_.port));
    endpoint_ = results.begin()->endpoint();
    host_header_ = (endpoint_.address().is_v6() ? "[" + endpoint_.address().to_string() + "]"
                                                : endpoint_.address().to_string()) +
                   ":" + std::to_string(o_.port);
    run_start_ns_ = now_ns();
    cpu_run_start_ = self_cpu_seconds();
    watchdog_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(o_.max_seconds * 1000)));
    watchdog_.async_wait([this](error_code ec) {
      if (!ec) {
        timed_out_ = true;
        log("max-seconds reached: stopping");
        finish();
      }
    });
    if (o_.server_pid) rss_before_ = process_rss_kib(*o_.server_pid).value_or(-1);

    switch (o_.mode) {
      case Mode::Load:
        make_clients(o_.clients + o_.stall);
        for (int i = o_.clients; i < o_.clients + o_.stall; ++i) clients_[static_cast<std::size_t>(i)]->stalled = true;
        connect_all(o_.connect_concurrency, [this] { start_sending(); });
        break;
      case Mode::Idle:
        make_clients(o_.clients);
        connect_all(o_.connect_concurrency, [this] { start_hold(); });
        break;
      case Mode::Storm:
        make_clients(o_.clients);
        start_prefill();
        break;
    }
  }

 private:
  // ---- output -------------------------------------------------------------
  void log(const std::string& text) {
    std::fprintf(stderr, "[loadgen %7.2fs] %s\n", seconds_between(run_start_ns_, now_ns()), text.c_str());
  }

  // ---- clients and the connect phase -----------------------------------------
  void make_clients(int count) {
    clients_.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) clients_.push_back(std::make_unique<Client>(io_, i, o_.nick_prefix + std::to_string(i)));
  }

  bool wants_nickname() const { return o_.mode != Mode::Idle || o_.join; }

  void connect_all(int concurrency, std::function<void()> done) {
    phase_done_ = std::move(done);
    connect_next_ = 0;
    connect_target_ = static_cast<int>(clients_.size());
    connect_start_ns_ = now_ns();
    last_progress_ns_ = connect_start_ns_;
    cpu_connect_start_ = self_cpu_seconds();
    log("connecting " + std::to_string(connect_target_) + " clients, " + std::to_string(concurrency) + " at a time");
    for (int i = 0; i < concurrency && connect_next_ < connect_target_; ++i) start_client(*clients_[static_cast<std::size_t>(connect_next_++)]);
    connect_tick();
  }

  // Once a second during the connect phase: report, and give up on handshakes
  // that made no progress for 30 s.
  void connect_tick() {
    ticker_.expires_after(std::chrono::seconds(1));
    ticker_.async_wait([this](error_code ec) {
      if (ec || !phase_done_) return;
      if (o_.verbose) log("ready " + std::to_string(ready_) + " failed " + std::to_string(failed_));
      if (now_ns() - last_progress_ns_ > 30'000'000'000) {
        log("handshakes stalled for 30 s: giving up on the rest");
        for (auto& c : clients_) {
          if (!c->counted) connect_failed(*c, "handshake stalled (no progress for 30 s)");
        }
        return;
      }
      connect_tick();
    });
  }

  void start_client(Client& c) {
    c.state = State::Connecting;
    c.start_ns = now_ns();
    c.ws.next_layer().async_connect(endpoint_, [this, &c](error_code ec) {
      if (ec) return connect_failed(c, "connect: " + ec.message());
      error_code ignored;
      c.ws.next_layer().set_option(tcp::no_delay(true), ignored);
      c.ws.read_message_max(std::uint64_t{64} << 20);
      c.ws.auto_fragment(false);
      c.ws.async_handshake(host_header_, "/socket.io/?EIO=4&transport=websocket", [this, &c](error_code hec) {
        if (hec) return connect_failed(c, "websocket handshake: " + hec.message());
        c.state = State::Open;
        read(c);
      });
    });
  }

  void client_ready(Client& c) {
    c.ready_ns = now_ns();
    if (c.counted) return;
    c.counted = true;
    ++ready_;
    progress();
  }

  void connect_failed(Client& c, const std::string& why) {
    if (c.state != State::Closed) {
      c.state = State::Closed;
      error_code ignored;
      c.ws.next_layer().close(ignored);
    }
    if (c.end_reason.empty()) c.end_reason = why;
    if (c.counted) return;
    c.counted = true;
    ++failed_;
    if (first_error_.empty()) first_error_ = why;
    progress();
  }

  void progress() {
    last_progress_ns_ = now_ns();
    if (connect_next_ < connect_target_) start_client(*clients_[static_cast<std::size_t>(connect_next_++)]);
    if (ready_ + failed_ == connect_target_ && phase_done_) {
      connect_end_ns_ = now_ns();
      cpu_connect_end_ = self_cpu_seconds();
      ticker_.cancel();
      log("connected " + std::to_string(ready_) + ", failed " + std::to_string(failed_) + " in " +
          fixed(seconds_between(connect_start_ns_, connect_end_ns_)) + " s");
      auto done = std::move(phase_done_);
      phase_done_ = nullptr;
      done();
    }
  }

  // ---- reading, writing, the protocol ------------------------------------------
  void read(Client& c) {
    c.read_pending = true;
    c.ws.async_read(c.buffer, [this, &c](error_code ec, std::size_t bytes) {
      c.read_pending = false;
      if (ec) return closed(c, ec);
      if (c.stalled && !c.reading) c.drained_bytes += bytes;
      const auto data = c.buffer.data();
      on_message(c, std::string_view(static_cast<const char*>(data.data()), data.size()));
      c.buffer.consume(c.buffer.size());
      if (c.reading && c.state != State::Closed) read(c);
    });
  }

  void send(Client& c, std::string frame) {
    if (c.state == State::Closed) return;
    c.out.push_back(std::move(frame));
    if (!c.writing) write(c);
  }

  void write(Client& c) {
    c.writing = true;
    c.ws.async_write(net::buffer(c.out.front()), [this, &c](error_code ec, std::size_t) {
      c.out.pop_front();
      if (ec) {
        c.writing = false;
        c.out.clear();
        return closed(c, ec);
      }
      if (!c.out.empty() && c.state != State::Closed) return write(c);
      c.writing = false;
    });
  }

  void closed(Client& c, error_code ec) {
    if (c.state == State::Closed) return;
    std::string why;
    if (ec == websocket::error::closed) {
      const auto& reason = c.ws.reason();
      why = "closed by server: code " + std::to_string(reason.code) + (reason.reason.empty() ? "" : " \"" + std::string(reason.reason.c_str()) + "\"");
    } else {
      why = ec.message();
    }
    const bool was_ready = c.counted;
    c.state = State::Closed;
    if (c.end_reason.empty()) c.end_reason = why;
    if (!was_ready) return connect_failed(c, why);
    if (!finishing_ && c.idx >= 0) {
      ++closed_by_server_;
      if (first_close_.empty()) first_close_ = c.nick + ": " + why;
      for (int s = 0; c.idx >= 0 && s < o_.senders && s < static_cast<int>(clients_.size()); ++s) {
        if (probe_of(s) == c.idx) clients_[static_cast<std::size_t>(s)]->probe_alive = false;
      }
    }
    if (c.stalled) stalled_check_progress();
  }

  void on_message(Client& c, std::string_view msg) {
    if (msg.empty()) return;
    switch (msg[0]) {
      case '0':  // Engine.IO open: connect to the namespace
        send(c, "40");
        break;
      case '2':  // ping
        if (c.reading) send(c, "3");
        break;
      case '1':  // Engine.IO close
        break;
      case '4':
        on_socketio(c, msg.substr(1));
        break;
      default:
        break;
    }
  }

  void on_socketio(Client& c, std::string_view p) {
    if (p.empty()) return;
    switch (p[0]) {
      case '0':  // CONNECT answered
        c.state = State::Connected;
        if (wants_nickname()) {
          send(c, "421[\"nickname\",\"" + c.nick + "\"]");
        } else {
          client_ready(c);
        }
        break;
      case '4':  // CONNECT_ERROR
        connect_failed(c, "namespace refused: " + std::string(p.substr(1, 200)));
        break;
      case '3': {  // ACK
        std::string_view rest = p.substr(1);
        std::uint64_t id = 0;
        if (!parse_int(rest, id)) return;
        if (id == 1) {
          if (rest.rfind("[false", 0) == 0) {
            c.state = State::Joined;
            client_ready(c);
          } else {
            connect_failed(c, "nickname refused: " + std::string(rest.substr(0, 200)));
          }
        } else {
          on_ack(c, rest);
        }
        break;
      }
      case '2':  // EVENT
        if (p.rfind("2[\"user message\",", 0) == 0) {
          on_delivery(c, p);
        } else if (p.rfind("2[\"nicknames\"", 0) == 0) {
          ++nicknames_events_;
        } else if (p.rfind("2[\"announcement\"", 0) == 0) {
          ++announcements_;
        } else if (p.rfind("2[\"chat error\"", 0) == 0) {
          ++chat_errors_;
          if (first_chat_error_.empty()) first_chat_error_ = std::string(p.substr(0, 200));
        }
        break;
      default:
        break;
    }
  }

  // 42["user message","from","T<ns>.<sender>.<seq> xxx",{..}]
  void on_delivery(Client& c, std::string_view p) {
    const std::int64_t now = now_ns();
    constexpr std::string_view kPrefix = "2[\"user message\",\"";
    std::string_view rest = p.substr(kPrefix.size());
    const auto from_end = rest.find("\",\"");
    if (from_end == std::string_view::npos) return;
    rest.remove_prefix(from_end + 3);
    const bool history = p.find("\"history\":true", p.size() > 80 ? p.size() - 80 : 0) != std::string_view::npos;
    if (history) {
      ++history_deliveries_;
      if (++c.history == o_.prefill && o_.mode == Mode::Storm) {
        c.history_ns = now;
        storm_check();
      }
      return;
    }
    ++deliveries_total_;
    ++deliveries_phase_;
    if (now >= window_start_ns_ && now < window_end_ns_) ++deliveries_window_;
    if (rest.empty() || rest[0] != 'T') return;
    rest.remove_prefix(1);
    std::int64_t stamp = 0;
    int sender = -1;
    std::uint64_t seq = 0;
    if (!parse_int(rest, stamp) || rest.empty() || rest[0] != '.') return;
    rest.remove_prefix(1);
    if (!parse_int(rest, sender) || rest.empty() || rest[0] != '.') return;
    rest.remove_prefix(1);
    if (!parse_int(rest, seq)) return;
    if (stamp >= window_start_ns_ && stamp < window_end_ns_) latency_.record((now - stamp) / 1000);
    if (sender >= 0 && sender < o_.senders && probe_of(sender) == c.idx) {
      Client& s = *clients_[static_cast<std::size_t>(sender)];
      s.probed = std::max(s.probed, seq + 1);
      pump(s);
    }
  }

  void on_ack(Client& c, std::string_view payload) {
    ++acks_total_;
    if (payload.find("\"error\"") != std::string_view::npos) {
      ++refused_;
      if (first_refusal_.empty()) first_refusal_ = std::string(payload.substr(0, 200));
    }
    const std::int64_t now = now_ns();
    if (now >= window_start_ns_ && now < window_end_ns_) ++acks_window_;
    ++c.acked;
    if (prefilling_) return prefill_pump(c);
    pump(c);
  }

  // ---- Load: sending ------------------------------------------------------------
  int probe_of(int sender) const {
    if (!o_.probe) return -1;
    if (o_.clients > o_.senders) return o_.senders + sender % (o_.clients - o_.senders);
    return (sender + 1) % o_.clients;
  }

  void send_message(Client& c, std::int64_t stamp) {
    std::string text = "T" + std::to_string(stamp) + "." + std::to_string(c.idx) + "." + std::to_string(c.sent) + " ";
    if (static_cast<int>(text.size()) < o_.message_size) text.append(static_cast<std::size_t>(o_.message_size) - text.size(), 'x');
    send(c, "42" + std::to_string(c.next_ack++) + "[\"user message\",\"" + text + "\"]");
    ++c.sent;
    ++sent_total_;
    ++sent_phase_;
    if (stamp >= window_start_ns_ && stamp < window_end_ns_) ++sent_window_;
  }

  void pump(Client& c) {
    if (!sending_ || o_.rate > 0 || c.idx >= o_.senders || c.state != State::Joined) return;
    for (;;) {
      const std::uint64_t done = (o_.probe && c.probe_alive && probe_of(c.idx) >= 0) ? std::min(c.acked, c.probed) : c.acked;
      if (c.sent - done >= static_cast<std::uint64_t>(o_.window)) break;
      send_message(c, now_ns());
    }
  }

  void start_sending() {
    const Phase& ph = o_.phases[phase_index_];
    o_.rate = ph.rate;
    o_.duration = ph.duration;
    phase_label_ = ph.label;
    stall_phase_ = ph.stall;
    sent_window_ = acks_window_ = deliveries_window_ = sent_phase_ = deliveries_phase_ = 0;
    latency_ = Histogram{};
    window_started_ = false;
    rss_series_.clear();
    cpu_window_start_ = cpu_window_end_ = server_cpu_window_start_ = server_cpu_window_end_ = 0;
    if (stall_phase_) {
      for (auto& c : clients_) {
        if (c->stalled) c->reading = false;  // the slow consumer stops reading here
      }
    }
    const std::int64_t now = now_ns();
    send_start_ns_ = now;
    window_start_ns_ = now + static_cast<std::int64_t>(o_.warmup * 1e9);
    window_end_ns_ = window_start_ns_ + static_cast<std::int64_t>(o_.duration * 1e9);
    sending_ = true;
    log("phase " + phase_label_ + ": warm-up " + fixed(o_.warmup, 1) + " s, measuring " + fixed(o_.duration, 1) + " s" +
        (o_.rate > 0 ? ", " + fixed(o_.rate, 0) + " msg/s" : ", window " + std::to_string(o_.window)));
    sample_server();
    if (o_.rate > 0) {
      rate_issued_ = 0;
      rate_skipped_ = 0;
      rate_tick();
    } else {
      for (int s = 0; s < o_.senders; ++s) pump(*clients_[static_cast<std::size_t>(s)]);
    }
    load_tick();
  }

  void rate_tick() {
    if (!sending_) return;
    const std::int64_t now = now_ns();
    // Message i is due at send_start + i / rate: the first at once. (Counting
    // from 1 would send each message one interval after the time stamped in
    // it, adding 1 / rate -- 20 ms at 50 msg/s -- to every latency.)
    const auto due = static_cast<std::uint64_t>(seconds_between(send_start_ns_, now) * o_.rate) + 1;
    int skipped = 0;
    while (rate_issued_ < due && skipped < o_.senders) {
      Client& c = *clients_[static_cast<std::size_t>(rate_issued_ % static_cast<std::uint64_t>(o_.senders))];
      if (c.state != State::Joined) {
        ++rate_issued_;
        ++skipped;
        continue;
      }
      const auto stamp = send_start_ns_ + static_cast<std::int64_t>(static_cast<double>(rate_issued_) * 1e9 / o_.rate);
      send_message(c, stamp);
      ++rate_issued_;
    }
    rate_timer_.expires_after(std::chrono::milliseconds(1));
    rate_timer_.async_wait([this](error_code ec) {
      if (!ec) rate_tick();
    });
  }

  // Once a second during sending: sample the server, move through the phases.
  void load_tick() {
    ticker_.expires_after(std::chrono::milliseconds(250));
    ticker_.async_wait([this](error_code ec) {
      if (ec) return;
      const std::int64_t now = now_ns();
      if (now - last_sample_ns_ >= 1'000'000'000) sample_server();
      if (!window_started_ && now >= window_start_ns_) {
        window_started_ = true;
        cpu_window_start_ = self_cpu_seconds();
        if (o_.server_pid) {
          server_cpu_window_start_ = process_cpu_seconds(*o_.server_pid).value_or(0);
          rss_window_start_ = process_rss_kib(*o_.server_pid).value_or(-1);
        }
      }
      if (sending_ && now >= window_end_ns_) {
        sending_ = false;
        cpu_window_end_ = self_cpu_seconds();
        if (o_.server_pid) {
          server_cpu_window_end_ = process_cpu_seconds(*o_.server_pid).value_or(0);
          rss_window_end_ = process_rss_kib(*o_.server_pid).value_or(-1);
        }
        drain_end_ns_ = now + static_cast<std::int64_t>(o_.drain * 1e9);
        log("window over: " + std::to_string(deliveries_window_) + " deliveries, draining");
      }
      if (!sending_ && now >= window_end_ns_) {
        if (now >= drain_end_ns_ || deliveries_phase_ >= expected_deliveries()) {
          return stall_phase_ ? start_stall_check() : end_phase();
        }
      }
      load_tick();
    });
  }

  int active_receivers() const {
    int n = 0;
    for (const auto& c : clients_) n += (c->reading && c->state == State::Joined) ? 1 : 0;
    return n;
  }

  std::uint64_t expected_deliveries() const {
    const int receivers = active_receivers();
    return receivers > 1 ? sent_phase_ * static_cast<std::uint64_t>(receivers - 1) : 0;
  }

  void sample_server() {
    last_sample_ns_ = now_ns();
    if (!o_.server_pid) return;
    const auto rss = process_rss_kib(*o_.server_pid);
    if (rss) rss_series_.push_back({seconds_between(send_start_ns_ ? send_start_ns_ : run_start_ns_, last_sample_ns_), *rss});
  }

  // The slow consumers read again: what is buffered, then the close if they were cut off.
  void start_stall_check() {
    std::vector<Client*> stalled;
    for (auto& c : clients_) {
      if (c->stalled) stalled.push_back(c.get());
    }
    if (stalled.empty()) return end_phase();
    log("reading the stalled clients' sockets again");
    stall_check_end_ns_ = now_ns() + static_cast<std::int64_t>(std::max(1.0, o_.drain) * 1e9);
    for (Client* c : stalled) {
      c->reading = false;  // still count drained bytes
      if (c->state != State::Closed && !c->read_pending) read_stalled(*c);
    }
    ticker_.expires_after(std::chrono::milliseconds(200));
    stall_tick();
  }

  void read_stalled(Client& c) {
    c.read_pending = true;
    c.ws.async_read(c.buffer, [this, &c](error_code ec, std::size_t bytes) {
      c.read_pending = false;
      if (ec) return closed(c, ec);
      c.drained_bytes += bytes;
      c.buffer.consume(c.buffer.size());
      if (c.state != State::Closed && now_ns() < stall_check_end_ns_) read_stalled(c);
    });
  }

  void stall_tick() {
    ticker_.async_wait([this](error_code ec) {
      if (ec) return;
      stalled_check_progress();
      if (finishing_ || stall_check_end_ns_ == 0) return;
      ticker_.expires_after(std::chrono::milliseconds(200));
      stall_tick();
    });
  }

  void stalled_check_progress() {
    if (stall_check_end_ns_ == 0 || finishing_) return;
    bool all_closed = true;
    for (auto& c : clients_) {
      if (c->stalled && c->state != State::Closed) all_closed = false;
    }
    if (all_closed || now_ns() >= stall_check_end_ns_) {
      stall_check_end_ns_ = 0;
      ticker_.cancel();
      end_phase();
    }
  }

  // A load phase is over: its JSON line, then the next phase or the end.
  void end_phase() {
    emit_result();
    if (++phase_index_ >= o_.phases.size()) return finish();
    ticker_.expires_after(std::chrono::milliseconds(1000));
    ticker_.async_wait([this](error_code ec) {
      if (!ec) start_sending();
    });
  }

  // ---- Idle ---------------------------------------------------------------------
  void start_hold() {
    log("holding " + std::to_string(ready_) + " clients for " + fixed(o_.hold, 1) + " s");
    hold_start_ns_ = now_ns();
    ticker_.expires_after(std::chrono::milliseconds(1000));
    ticker_.async_wait([this](error_code ec) {
      if (ec) return;
      if (o_.server_pid) {
        rss_after_ = process_rss_kib(*o_.server_pid).value_or(-1);
        threads_after_ = process_threads(*o_.server_pid).value_or(-1);
      }
      ticker_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, o_.hold - 1) * 1000)));
      ticker_.async_wait([this](error_code ec2) {
        if (ec2) return;
        if (o_.server_pid) rss_end_ = process_rss_kib(*o_.server_pid).value_or(-1);
        finish();
      });
    });
  }

  // ---- Storm ----------------------------------------------------------------------
  void start_prefill() {
    if (o_.prefill <= 0) return start_storm();
    prefiller_ = std::make_unique<Client>(io_, -1, o_.nick_prefix + "prefill");
    prefilling_ = true;
    connect_target_ = 0;
    Client& p = *prefiller_;
    p.counted = true;  // not part of the connect phase
    log("pre-filling " + std::to_string(o_.prefill) + " messages");
    p.state = State::Connecting;
    p.ws.next_layer().async_connect(endpoint_, [this, &p](error_code ec) {
      if (ec) return prefill_failed("connect: " + ec.message());
      p.ws.async_handshake(host_header_, "/socket.io/?EIO=4&transport=websocket", [this, &p](error_code hec) {
        if (hec) return prefill_failed("handshake: " + hec.message());
        p.state = State::Open;
        read(p);
      });
    });
    // The nickname ack arrives through on_socketio -> client_ready (counted already),
    // so poll for the joined state.
    prefill_wait();
  }

  void prefill_wait() {
    ticker_.expires_after(std::chrono::milliseconds(5));
    ticker_.async_wait([this](error_code ec) {
      if (ec) return;
      if (prefiller_->state == State::Closed) return prefill_failed(prefiller_->end_reason);
      if (prefiller_->state != State::Joined) return prefill_wait();
      for (int i = 0; i < std::min(16, o_.prefill); ++i) send_message(*prefiller_, now_ns());
    });
  }

  void prefill_pump(Client& p) {
    if (p.acked >= static_cast<std::uint64_t>(o_.prefill)) {
      prefilling_ = false;
      log("pre-filled " + std::to_string(p.acked) + " messages");
      p.ws.async_close(websocket::close_code::normal, [this, &p](error_code) {
        p.state = State::Closed;
        ticker_.expires_after(std::chrono::milliseconds(300));
        ticker_.async_wait([this](error_code ec) {
          if (!ec) start_storm();
        });
      });
      p.counted = true;
      return;
    }
    if (p.sent < static_cast<std::uint64_t>(o_.prefill)) send_message(p, now_ns());
  }

  void prefill_failed(const std::string& why) {
    first_error_ = "prefill: " + why;
    log(first_error_);
    finish();
  }

  void start_storm() {
    storm_start_ns_ = now_ns();
    storming_ = true;
    connect_all(static_cast<int>(clients_.size()), [this] {
      storm_joined_ns_ = now_ns();
      storm_check();
      // Wait up to --drain seconds for the rest of the history.
      ticker_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(o_.drain * 1000)));
      ticker_.async_wait([this](error_code ec) {
        if (!ec) finish();
      });
    });
  }

  void storm_check() {
    if (!storming_ || storm_joined_ns_ == 0 || finishing_) return;
    for (auto& c : clients_) {
      if (c->state == State::Joined && o_.prefill > 0 && c->history < o_.prefill) return;
    }
    finish();
  }

  // ---- results ----------------------------------------------------------------------
  void finish() {
    if (finishing_) return;
    if (o_.mode != Mode::Load || timed_out_ || phase_index_ < o_.phases.size()) emit_result();
    finishing_ = true;
    std::fflush(stdout);
    std::fflush(stderr);
    // Thousands of sockets: let the kernel close them.
    _exit(timed_out_ ? 3 : 0);
  }

  void emit_result() {
    const std::int64_t end = now_ns();
    std::ostringstream j;
    const char* mode = o_.mode == Mode::Load ? "load" : o_.mode == Mode::Idle ? "idle" : "storm";
    j << "{\"mode\":\"" << mode << "\",\"label\":" << json_string(o_.label)
      << ",\"phase\":" << json_string(o_.mode == Mode::Load ? phase_label_ : std::string(mode)) << ",\"clients\":" << o_.clients
      << ",\"ready\":" << ready_ << ",\"failed\":" << failed_ << ",\"closed_by_server\":" << closed_by_server_
      << ",\"timed_out\":" << (timed_out_ ? "true" : "false") << ",\"nofile_limit\":" << nofile_
      << ",\"first_error\":" << json_string(first_error_) << ",\"first_close\":" << json_string(first_close_)
      << ",\"chat_errors\":" << chat_errors_ << ",\"first_chat_error\":" << json_string(first_chat_error_)
      << ",\"refused\":" << refused_ << ",\"first_refusal\":" << json_string(first_refusal_)
      << ",\"nicknames_events\":" << nicknames_events_ << ",\"announcements\":" << announcements_
      << ",\"run_seconds\":" << fixed(seconds_between(run_start_ns_, end));
    const double connect_s = connect_end_ns_ ? seconds_between(connect_start_ns_, connect_end_ns_) : 0;
    j << ",\"connect_seconds\":" << fixed(connect_s)
      << ",\"connect_per_s\":" << fixed(connect_s > 0 ? ready_ / connect_s : 0, 1);

    // Loadgen CPU: over the measurement window (load) or the connect phase.
    double cpu = 0, wall = 0;
    if (o_.mode == Mode::Load && cpu_window_end_ > 0) {
      cpu = cpu_window_end_ - cpu_window_start_;
      wall = o_.duration;
    } else if (connect_end_ns_) {
      cpu = cpu_connect_end_ - cpu_connect_start_;
      wall = connect_s;
    }
    const double cpu_pct = wall > 0 ? 100 * cpu / wall : 0;
    const double run_cpu = self_cpu_seconds() - cpu_run_start_;
    j << ",\"loadgen\":{\"cpu_pct\":" << fixed(cpu_pct, 1) << ",\"run_cpu_seconds\":" << fixed(run_cpu)
      << ",\"bottleneck\":" << (cpu_pct >= 90 ? "true" : "false") << "}";

    if (o_.mode == Mode::Load) {
      const double window = o_.duration;
      j << ",\"senders\":" << o_.senders << ",\"rate\":" << fixed(o_.rate, 1) << ",\"window\":" << o_.window
        << ",\"receivers\":" << active_receivers() << ",\"sent\":" << sent_total_ << ",\"sent_in_window\":" << sent_window_
        << ",\"acks\":" << acks_total_ << ",\"acks_per_s\":" << fixed(static_cast<double>(acks_window_) / window, 1)
        << ",\"deliveries\":" << deliveries_total_ << ",\"deliveries_in_window\":" << deliveries_window_
        << ",\"deliveries_per_s\":" << fixed(static_cast<double>(deliveries_window_) / window, 1)
        << ",\"expected_deliveries\":" << expected_deliveries();
      j << ",\"latency_ms\":{\"count\":" << latency_.count() << ",\"p50\":" << ms(latency_.quantile(0.5))
        << ",\"p90\":" << ms(latency_.quantile(0.9)) << ",\"p99\":" << ms(latency_.quantile(0.99))
        << ",\"p999\":" << ms(latency_.quantile(0.999)) << ",\"max\":" << ms(latency_.max())
        << "}";
      j << ",\"stalled\":[";
      bool first = true;
      for (auto& c : clients_) {
        if (!c->stalled || !stall_phase_) continue;
        j << (first ? "" : ",") << "{\"nick\":" << json_string(c->nick)
          << ",\"cut_off\":" << (c->state == State::Closed ? "true" : "false")
          << ",\"how\":" << json_string(c->state == State::Closed ? c->end_reason : "still open after reading its backlog")
          << ",\"drained_bytes\":" << c->drained_bytes << "}";
        first = false;
      }
      j << "]";
    }
    if (o_.mode == Mode::Storm) {
      Histogram per_client;
      std::int64_t last = 0;
      int incomplete = 0;
      for (auto& c : clients_) {
        if (c->state == State::Closed && !c->ready_ns) continue;
        const std::int64_t t = o_.prefill > 0 ? c->history_ns : c->ready_ns;
        if (t == 0) {
          ++incomplete;
          continue;
        }
        per_client.record((t - storm_start_ns_) / 1000);
        last = std::max(last, t);
      }
      j << ",\"prefill\":" << o_.prefill << ",\"history_deliveries\":" << history_deliveries_
        << ",\"incomplete\":" << incomplete
        << ",\"storm_seconds\":" << fixed(last ? seconds_between(storm_start_ns_, last) : 0)
        << ",\"per_client_ms\":{\"p50\":" << ms(per_client.quantile(0.5))
        << ",\"p99\":" << ms(per_client.quantile(0.99)) << "}";
    }
    if (o_.server_pid) {
      j << ",\"server\":{\"pid\":" << *o_.server_pid << ",\"rss_kib_before\":" << rss_before_;
      if (o_.mode == Mode::Idle) {
        const std::int64_t after = std::max(rss_after_, rss_end_);
        j << ",\"rss_kib_after\":" << rss_after_ << ",\"rss_kib_end\":" << rss_end_ << ",\"threads\":" << threads_after_
          << ",\"rss_kib_per_client\":" << fixed(ready_ > 0 && rss_before_ >= 0 ? static_cast<double>(after - rss_before_) / ready_ : 0, 2);
      }
      if (o_.mode == Mode::Load) {
        const double scpu = server_cpu_window_end_ - server_cpu_window_start_;
        j << ",\"cpu_pct\":" << fixed(o_.duration > 0 ? 100 * scpu / o_.duration : 0, 1)
          << ",\"rss_kib_window_start\":" << rss_window_start_ << ",\"rss_kib_window_end\":" << rss_window_end_;
        std::int64_t max_rss = 0;
        for (const auto& [t, rss] : rss_series_) max_rss = std::max(max_rss, rss);
        j << ",\"rss_kib_max\":" << max_rss << ",\"rss_series\":[";
        for (std::size_t i = 0; i < rss_series_.size(); ++i) {
          j << (i ? "," : "") << "[" << fixed(rss_series_[i].first, 1) << "," << rss_series_[i].second << "]";
        }
        j << "]";
      }
      j << "}";
    }
    j << "}\n";
    const std::string line = j.str();
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }

  Options o_;
  net::io_context& io_;
  net::steady_timer ticker_;
  net::steady_timer watchdog_;
  net::steady_timer rate_timer_;
  tcp::endpoint endpoint_;
  std::string host_header_;
  std::int64_t nofile_ = 0;
  std::vector<std::unique_ptr<Client>> clients_;
  std::unique_ptr<Client> prefiller_;

  std::int64_t run_start_ns_ = 0;
  double cpu_run_start_ = 0;
  bool finishing_ = false, timed_out_ = false;

  // Connect phase.
  std::function<void()> phase_done_;
  int connect_next_ = 0, connect_target_ = 0, ready_ = 0, failed_ = 0;
  std::int64_t connect_start_ns_ = 0, connect_end_ns_ = 0, last_progress_ns_ = 0;
  double cpu_connect_start_ = 0, cpu_connect_end_ = 0;
  std::string first_error_, first_close_, first_chat_error_, first_refusal_;
  std::uint64_t closed_by_server_ = 0, chat_errors_ = 0, refused_ = 0, nicknames_events_ = 0, announcements_ = 0;

  // Load.
  bool sending_ = false, window_started_ = false;
  std::int64_t send_start_ns_ = 0, window_start_ns_ = INT64_MAX, window_end_ns_ = INT64_MAX, drain_end_ns_ = 0;
  std::int64_t last_sample_ns_ = 0, stall_check_end_ns_ = 0;
  std::uint64_t rate_issued_ = 0, rate_skipped_ = 0, sent_phase_ = 0, deliveries_phase_ = 0;
  std::size_t phase_index_ = 0;
  std::string phase_label_;
  bool stall_phase_ = false;
  std::uint64_t sent_total_ = 0, sent_window_ = 0, acks_total_ = 0, acks_window_ = 0;
  std::uint64_t deliveries_total_ = 0, deliveries_window_ = 0, history_deliveries_ = 0;
  Histogram latency_;
  double cpu_window_start_ = 0, cpu_window_end_ = 0, server_cpu_window_start_ = 0, server_cpu_window_end_ = 0;
  std::int64_t rss_window_start_ = -1, rss_window_end_ = -1;
  std::vector<std::pair<double, std::int64_t>> rss_series_;

  // Idle.
  std::int64_t hold_start_ns_ = 0, rss_before_ = -1, rss_after_ = -1, rss_end_ = -1, threads_after_ = -1;

  // Storm.
  bool prefilling_ = false, storming_ = false;
  std::int64_t storm_start_ns_ = 0, storm_joined_ns_ = 0;
};

}  // namespace
}  // namespace loadgen

int main(int argc, char** argv) {
  const auto options = loadgen::parse_options(argc, argv);
  try {
    net::io_context io(1);
    loadgen::Run run(options, io);
    run.start();
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_loadgen: %s\n", e.what());
    return 1;
  }
  return 0;
}

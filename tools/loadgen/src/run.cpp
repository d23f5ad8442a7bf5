#include "run.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "clock.hpp"
#include "proc_stats.hpp"
#include "result_line.hpp"

namespace loadgen {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

namespace {

template <typename T>
bool parse_int(std::string_view& s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{}) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

}  // namespace

Run::Run(Options options, net::io_context& io)
    : run_(std::move(options), io, *this),
      watchdog_(io),
      connect_(run_),
      settle_(run_),
      load_(run_),
      idle_(run_),
      storm_(run_, connect_) {
  run_.report = [this] { report(); };
  run_.finish = [this] { finish(); };
}

void Run::start() {
  const Options& o = run_.options;
  run_.nofile_limit = raise_nofile_limit();
  tcp::resolver resolver(run_.io);
  for (const std::uint16_t port : o.ports) {
    const auto results = resolver.resolve(o.host == "localhost" ? "127.0.0.1" : o.host, std::to_string(port));
    const auto endpoint = results.begin()->endpoint();
    const auto address = endpoint.address();
    run_.endpoints.push_back(endpoint);
    run_.host_headers.push_back((address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
                                std::to_string(port));
  }
  run_.endpoint = run_.endpoints.front();
  run_.host_header = run_.host_headers.front();
  run_.run_start_ns = now_ns();
  run_.cpu_run_start = self_cpu_seconds();
  watchdog_.expires_after(std::chrono::milliseconds(static_cast<std::int64_t>(o.max_seconds * 1000)));
  watchdog_.async_wait([this](error_code ec) {
    if (!ec) {
      run_.timed_out = true;
      run_.log("max-seconds reached: stopping");
      finish();
    }
  });
  if (o.server_pid) run_.server_rss_before = process_rss_kib(*o.server_pid).value_or(-1);

  switch (o.mode) {
    case Mode::Load:
      make_clients(o.clients + o.stall);
      for (int i = o.clients; i < o.clients + o.stall; ++i) run_.clients[static_cast<std::size_t>(i)]->stalled = true;
      connect_.start(o.connect_concurrency, [this] { settle_.start([this] { load_.start(); }); });
      break;
    case Mode::Idle:
      make_clients(o.clients);
      connect_.start(o.connect_concurrency, [this] { idle_.start(connect_.ready_count()); });
      break;
    case Mode::Storm:
      make_clients(o.clients);
      storm_.start();
      break;
  }
}

void Run::make_clients(int count) {
  run_.clients.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    run_.clients.push_back(run_.make_client(i, run_.options.nick_prefix + std::to_string(i)));
}

bool Run::wants_nickname() const { return run_.options.mode != Mode::Idle || run_.options.join; }

void Run::on_closed(Client& c, error_code ec) {
  if (c.state == ClientState::Closed) return;
  const std::string why = c.close_reason(ec);
  const bool was_ready = c.counted;
  c.state = ClientState::Closed;
  if (c.end_reason.empty()) c.end_reason = why;
  if (!was_ready) return connect_.failed(c, why);
  if (!run_.finishing && c.idx >= 0) {
    ++run_.tally.closed_by_server;
    if (run_.tally.first_close.empty()) run_.tally.first_close = c.nick + ": " + why;
    load_.probe_closed(c);
  }
  if (c.stalled) load_.stalled_closed();
}

// Engine.IO: "0" open, "2" ping, "1" close, "4" a Socket.IO packet.
void Run::on_frame(Client& c, std::string_view msg) {
  if (msg.empty()) return;
  switch (msg[0]) {
    case '0':  // Engine.IO open: connect to the namespace
      c.send("40");
      break;
    case '2':  // ping
      if (c.reading) c.send("3");
      break;
    case '1':  // Engine.IO close
      break;
    case '4': on_socketio(c, msg.substr(1)); break;
    default: break;
  }
}

void Run::on_socketio(Client& c, std::string_view p) {
  if (p.empty()) return;
  switch (p[0]) {
    case '0':  // CONNECT answered
      c.state = ClientState::Connected;
      if (wants_nickname()) {
        c.send("421[\"nickname\",\"" + c.nick + "\"]");
      } else {
        connect_.ready(c);
      }
      break;
    case '4':  // CONNECT_ERROR
      connect_.failed(c, "namespace refused: " + std::string(p.substr(1, 200)));
      break;
    case '3': {  // ACK
      std::string_view rest = p.substr(1);
      std::uint64_t id = 0;
      if (!parse_int(rest, id)) return;
      if (id == 1) {
        if (rest.rfind("[false", 0) == 0) {
          c.state = ClientState::Joined;
          connect_.ready(c);
        } else {
          connect_.failed(c, "nickname refused: " + std::string(rest.substr(0, 200)));
        }
      } else {
        on_ack(c, rest);
      }
      break;
    }
    case '2': {  // EVENT
      Tally& tally = run_.tally;
      if (p.rfind("2[\"user message\",", 0) == 0) {
        on_delivery(c, p);
      } else if (p.rfind("2[\"nicknames\"", 0) == 0) {
        ++tally.nicknames_events;
      } else if (p.rfind("2[\"announcement\"", 0) == 0) {
        ++tally.announcements;
      } else if (p.rfind("2[\"chat error\"", 0) == 0) {
        ++tally.chat_errors;
        if (tally.first_chat_error.empty()) tally.first_chat_error = std::string(p.substr(0, 200));
      }
      break;
    }
    default: break;
  }
}

// 42["user message","from","T<ns>.<sender>.<seq> xxx",{..}]
void Run::on_delivery(Client& c, std::string_view p) {
  const std::int64_t now = now_ns();
  const Options& o = run_.options;
  Tally& tally = run_.tally;
  constexpr std::string_view kPrefix = "2[\"user message\",\"";
  std::string_view rest = p.substr(kPrefix.size());
  const auto from_end = rest.find("\",\"");
  if (from_end == std::string_view::npos) return;
  rest.remove_prefix(from_end + 3);
  const bool history = p.find("\"history\":true", p.size() > 80 ? p.size() - 80 : 0) != std::string_view::npos;
  if (history) {
    ++tally.history_deliveries;
    if (++c.history == o.prefill && o.mode == Mode::Storm) {
      c.history_ns = now;
      storm_.check();
    }
    return;
  }
  ++tally.deliveries_total;
  ++tally.deliveries_phase;
  if (tally.in_window(now)) ++tally.deliveries_window;
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
  if (tally.in_window(stamp)) tally.latency.record((now - stamp) / 1000);
  load_.delivered(c, sender, seq);
}

void Run::on_ack(Client& c, std::string_view payload) {
  Tally& tally = run_.tally;
  ++tally.acks_total;
  if (payload.find("\"error\"") != std::string_view::npos) {
    ++tally.refused;
    if (tally.first_refusal.empty()) tally.first_refusal = std::string(payload.substr(0, 200));
  }
  if (tally.in_window(now_ns())) ++tally.acks_window;
  ++c.acked;
  if (storm_.prefilling()) return storm_.prefill_acked(c);
  load_.pump(c);
}

void Run::report() {
  const std::string line = ResultLine(run_, connect_, settle_, load_, idle_, storm_).text();
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

void Run::finish() {
  if (run_.finishing) return;
  if (run_.options.mode != Mode::Load || run_.timed_out || !load_.all_done()) report();
  run_.finishing = true;
  std::fflush(stdout);
  std::fflush(stderr);
  // Thousands of sockets: let the kernel close them.
  _exit(run_.timed_out ? 3 : 0);
}

}  // namespace loadgen

#include "options.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace loadgen {

namespace {

constexpr const char* kUsage = R"(chat_loadgen: Socket.IO v5 WebSocket load for a Socket.IO chat server (loopback only)

  chat_loadgen --mode load|idle|storm --port N [options]

Prints progress on stderr and one JSON line with the results on stdout.

  --host ADDR               server address: 127.0.0.1, ::1 or localhost (default 127.0.0.1)
  --port N[,N...]           server port (default 3000); a list: client i connects to the (i mod n)-th
                            (the nodes of a cluster, without a load balancer)
  --mode load               join --clients, senders 0..K-1 send; deliveries/s and latency
         idle               connect --clients and hold them; server memory per client
         storm              pre-fill --prefill messages, then all clients join at once
  --clients N               reading clients (default 100)
  --senders K               load: sending clients among them (default 10)
  --rate R                  load: messages/s in total; 0 = as fast as the server takes (default 0)
  --window W                load: unanswered messages per sender (default 4)
  --no-probe                load: a slot frees on the ack alone (default: ack and delivery to a probe)
  --stall S                 load: S extra joined clients that never read their socket
  --message-size B          message text length (default 48)
  --warmup S --duration S --drain S   load phases in seconds (default 1, 5, 2)
  --settle S                load: after the joins, wait until no online list came for 1 s, at most S s
  --hold S                  idle: seconds to hold (default 2)
  --no-join                 idle: connect to the namespace only, no nickname
  --prefill N               storm: history messages stored first (default 100)
  --connect-concurrency N   handshakes in flight (default 200; storm: all at once)
  --max-seconds S           stop the run after S seconds whatever happens (default 300)
  --server-pid PID          sample this process's CPU and resident memory
  --nick-prefix P           nicknames are P0, P1, ... (default u)
  --label TEXT              copied into the JSON result
  --phases LIST             load: phases on the same joined clients, one JSON line each:
                            LABEL:fast:SECONDS or LABEL:rate=N:SECONDS, "+stall" after the
                            rate makes the --stall clients stop reading in that phase
                            (e.g. S1:fast:10,S2:rate=50:20,S5:rate=50+stall:60; stall last)
  --verbose
)";

[[noreturn]] void usage(int code) {
  std::fputs(kUsage, code == 0 ? stdout : stderr);
  std::exit(code);
}

double number(std::string_view name, const char* value) {
  char* end = nullptr;
  const double v = std::strtod(value, &end);
  if (end == value || *end != '\0' || v < 0) {
    std::fprintf(stderr, "chat_loadgen: bad value for %.*s: %s\n", static_cast<int>(name.size()), name.data(), value);
    usage(2);
  }
  return v;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "chat_loadgen: %s needs a value\n", argv[i]);
        usage(2);
      }
      return argv[++i];
    };
    const auto integer = [&]() { return static_cast<int>(number(arg, value())); };
    if (arg == "--help" || arg == "-h")
      usage(0);
    else if (arg == "--host")
      o.host = value();
    else if (arg == "--port") {
      std::string_view list = value();
      o.ports.clear();
      while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string item(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const double port = number(arg, item.c_str());
        if (port < 1 || port > 65535) usage(2);
        o.ports.push_back(static_cast<std::uint16_t>(port));
      }
      if (o.ports.empty()) usage(2);
      o.port = o.ports.front();
    } else if (arg == "--mode") {
      const std::string_view m = value();
      if (m == "load")
        o.mode = Mode::Load;
      else if (m == "idle")
        o.mode = Mode::Idle;
      else if (m == "storm")
        o.mode = Mode::Storm;
      else
        usage(2);
    } else if (arg == "--clients")
      o.clients = integer();
    else if (arg == "--senders")
      o.senders = integer();
    else if (arg == "--rate")
      o.rate = number(arg, value());
    else if (arg == "--window")
      o.window = integer();
    else if (arg == "--no-probe")
      o.probe = false;
    else if (arg == "--stall")
      o.stall = integer();
    else if (arg == "--message-size")
      o.message_size = integer();
    else if (arg == "--warmup")
      o.warmup = number(arg, value());
    else if (arg == "--duration")
      o.duration = number(arg, value());
    else if (arg == "--drain")
      o.drain = number(arg, value());
    else if (arg == "--settle")
      o.settle = number(arg, value());
    else if (arg == "--hold")
      o.hold = number(arg, value());
    else if (arg == "--no-join")
      o.join = false;
    else if (arg == "--prefill")
      o.prefill = integer();
    else if (arg == "--connect-concurrency")
      o.connect_concurrency = integer();
    else if (arg == "--max-seconds")
      o.max_seconds = number(arg, value());
    else if (arg == "--server-pid")
      o.server_pid = static_cast<pid_t>(integer());
    else if (arg == "--nick-prefix")
      o.nick_prefix = value();
    else if (arg == "--label")
      o.label = value();
    else if (arg == "--verbose")
      o.verbose = true;
    else if (arg == "--phases") {
      std::string_view list = value();
      while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view item = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        const auto c1 = item.find(':');
        const auto c2 = item.rfind(':');
        if (c1 == std::string_view::npos || c2 == c1) {
          std::fprintf(stderr, "chat_loadgen: bad phase %.*s\n", static_cast<int>(item.size()), item.data());
          usage(2);
        }
        Phase ph;
        ph.label = std::string(item.substr(0, c1));
        std::string kind(item.substr(c1 + 1, c2 - c1 - 1));
        if (const auto plus = kind.find("+stall"); plus != std::string::npos) {
          ph.stall = true;
          kind.erase(plus);
        }
        if (kind.rfind("rate=", 0) == 0)
          ph.rate = number("--phases rate", kind.c_str() + 5);
        else if (kind != "fast")
          usage(2);
        ph.duration = number("--phases seconds", std::string(item.substr(c2 + 1)).c_str());
        o.phases.push_back(ph);
      }
    } else {
      std::fprintf(stderr, "chat_loadgen: unknown argument %s\n", argv[i]);
      usage(2);
    }
  }
  if (o.host != "127.0.0.1" && o.host != "::1" && o.host != "localhost") {
    std::fprintf(stderr, "chat_loadgen: only loopback targets (127.0.0.1, ::1, localhost) are allowed\n");
    std::exit(2);
  }
  if (o.ports.empty()) o.ports.push_back(o.port);
  if (o.clients < 1) usage(2);
  if (o.senders < 1 || o.senders > o.clients) o.senders = std::max(1, std::min(o.senders, o.clients));
  if (o.window < 1) o.window = 1;
  if (o.message_size < 40) o.message_size = 40;
  if (o.connect_concurrency < 1) o.connect_concurrency = 1;
  if (o.phases.empty()) o.phases.push_back(Phase{o.label, o.rate, o.duration, o.stall > 0});
  return o;
}

}  // namespace loadgen

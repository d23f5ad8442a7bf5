#pragma once
#include <sys/types.h>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace loadgen {

enum class Mode {
  Load,   // join clients, senders send (as fast as flow control allows, or at --rate)
  Idle,   // connect clients and hold them: memory per client, connect rate
  Storm,  // pre-fill history, then all clients connect and join at once
};

// One load phase over the same joined clients: a label, fast (rate 0) or a
// fixed rate, a length, and whether the --stall clients stop reading in it.
struct Phase {
  std::string label;
  double rate = 0;
  double duration = 5;
  bool stall = false;
};

struct Options {
  Mode mode = Mode::Load;
  std::string host = "127.0.0.1";
  std::uint16_t port = 3000;
  // Every server port: client i connects to ports[i % ports.size()] (the
  // nodes of a cluster without a load balancer); the first is `port`.
  std::vector<std::uint16_t> ports;
  int clients = 100;                // clients that read (receivers; senders are among them)
  int senders = 10;                 // Load: clients 0..senders-1 send
  double rate = 0;                  // Load: messages/s in total; 0 = as fast as flow control allows
  int window = 4;                   // Load: unanswered messages per sender
  bool probe = true;                // Load, rate 0: a slot frees on ack AND delivery to a probe receiver
  int stall = 0;                    // Load: extra joined clients that never read after joining
  int message_size = 48;            // characters per message text
  double warmup = 1;                // seconds before the measurement window
  double duration = 5;              // seconds of the measurement window
  double drain = 2;                 // seconds to wait for deliveries after the last send
  double settle = 0;                // Load: after the joins, wait for the lists to stop, at most this long
  double hold = 2;                  // Idle: seconds to hold the clients after connecting
  bool join = true;                 // Idle: also pick a nickname (Load and Storm always do)
  int prefill = 100;                // Storm: messages stored before the storm
  int connect_concurrency = 200;    // handshakes in flight at once (Storm: all clients)
  double max_seconds = 300;         // the whole run stops by itself after this
  std::optional<pid_t> server_pid;  // sample this process's CPU and memory
  std::string nick_prefix = "u";
  std::string label;  // echoed into the result
  bool verbose = false;
  // Load: phases run one after the other on the same clients, one JSON line
  // each. Empty: one phase from --rate/--duration (stalling if --stall > 0).
  std::vector<Phase> phases;
};

// Parses argv; prints usage and exits on --help or an error.
Options parse_options(int argc, char** argv);

}  // namespace loadgen

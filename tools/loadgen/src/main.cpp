// chat_loadgen: thousands of Socket.IO v5 WebSocket clients from one process
// (Boost.Beast, one io thread, all asynchronous) against a Socket.IO chat
// server on this machine. It speaks only the public protocol:
//   GET /socket.io/?EIO=4&transport=websocket, "0{..}" open -> "40",
//   "40{..}" -> 421["nickname","u7"], 431[false] = joined,
//   42N["user message","T<ns>.<sender>.<seq> xxx"] -> 43N[{id,ts}],
//   42["user message",from,text,{..}] deliveries, "2" ping -> "3" pong.
// The send time rides in the text, so latency is measured across all
// receivers. Results: one JSON line on stdout; progress on stderr.
//
// The parts: Client (one connection), Run (the protocol, and what goes
// where), ConnectPhase, LoadPhases, IdleHold and JoinStorm (the modes),
// ResultLine (the JSON), all sharing a RunContext.
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <exception>

#include "options.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  const auto options = loadgen::parse_options(argc, argv);
  try {
    boost::asio::io_context io(1);
    loadgen::Run run(options, io);
    run.start();
    io.run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "chat_loadgen: %s\n", e.what());
    return 1;
  }
  return 0;
}

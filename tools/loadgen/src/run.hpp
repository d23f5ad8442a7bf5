#pragma once
// One run of the load generator: creates the clients, reads the chat protocol
// off their frames (counting into the tally), and hands each event to the
// part of the run it concerns: the connect phase, the load phases, the idle
// hold or the join storm. Ends the process when done (thousands of sockets:
// the kernel closes them faster).
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <string>
#include <string_view>

#include "client_events.hpp"
#include "connect_phase.hpp"
#include "idle_hold.hpp"
#include "join_storm.hpp"
#include "load_phases.hpp"
#include "options.hpp"
#include "run_context.hpp"
#include "settle_wait.hpp"

namespace loadgen {

class Run final : public ClientEvents {
 public:
  Run(Options options, boost::asio::io_context& io);

  void start();

  void on_frame(Client& c, std::string_view frame) override;
  void on_closed(Client& c, boost::system::error_code ec) override;

 private:
  bool wants_nickname() const;
  void make_clients(int count);
  void on_socketio(Client& c, std::string_view packet);
  void on_delivery(Client& c, std::string_view packet);
  void on_ack(Client& c, std::string_view payload);
  void report();
  void finish();

  RunContext run_;
  boost::asio::steady_timer watchdog_;
  ConnectPhase connect_;
  SettleWait settle_;
  LoadPhases load_;
  IdleHold idle_;
  JoinStorm storm_;
};

}  // namespace loadgen

#pragma once
// What the parts of one run share: the options, the io_context, the server's
// address, the clients, the tally, the log and the way to end the run.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client.hpp"
#include "options.hpp"
#include "tally.hpp"

namespace loadgen {

struct RunContext {
  RunContext(Options run_options, boost::asio::io_context& run_io, ClientEvents& client_events)
      : options(std::move(run_options)), io(run_io), events(client_events) {}

  // Progress on stderr, stamped with the seconds since the run started.
  void log(const std::string& text) const;
  std::unique_ptr<Client> make_client(int index, std::string nickname) {
    return std::make_unique<Client>(io, events, index, std::move(nickname));
  }
  // Where client `index` connects (index < 0: the first port).
  std::size_t target_of(int index) const { return index < 0 ? 0 : static_cast<std::size_t>(index) % endpoints.size(); }
  // A chat message from `client`, counted.
  void send_message(Client& client, std::int64_t stamp);

  Options options;  // the load phases set rate and duration per phase
  boost::asio::io_context& io;
  ClientEvents& events;
  boost::asio::ip::tcp::endpoint endpoint;  // the first server port's
  std::string host_header;
  // One per server port (--port a,b,c); client i uses the (i mod n)-th.
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;
  std::vector<std::string> host_headers;
  std::vector<std::unique_ptr<Client>> clients;
  Tally tally;
  std::int64_t run_start_ns = 0;
  double cpu_run_start = 0;             // this process's CPU seconds then
  std::int64_t nofile_limit = 0;        // open files allowed
  std::int64_t server_rss_before = -1;  // the server's resident KiB at the start (-1: unknown)
  bool timed_out = false;               // --max-seconds ended the run
  bool finishing = false;
  std::function<void()> report;  // writes one result line
  std::function<void()> finish;  // writes what is left to report and exits
};

}  // namespace loadgen

#include "idle_hold.hpp"

#include <algorithm>
#include <string>

#include "json_text.hpp"
#include "proc_stats.hpp"

namespace loadgen {

using error_code = boost::system::error_code;

void IdleHold::start(int ready) {
  run_.log("holding " + std::to_string(ready) + " clients for " + fixed(run_.options.hold, 1) + " s");
  ticker_.expires_after(std::chrono::milliseconds(1000));
  ticker_.async_wait([this](error_code ec) {
    if (ec) return;
    const auto& pid = run_.options.server_pid;
    if (pid) {
      rss_after_ = process_rss_kib(*pid).value_or(-1);
      threads_after_ = process_threads(*pid).value_or(-1);
    }
    ticker_.expires_after(
        std::chrono::milliseconds(static_cast<std::int64_t>(std::max(0.0, run_.options.hold - 1) * 1000)));
    ticker_.async_wait([this](error_code ec2) {
      if (ec2) return;
      if (run_.options.server_pid) rss_end_ = process_rss_kib(*run_.options.server_pid).value_or(-1);
      run_.finish();
    });
  });
}

}  // namespace loadgen

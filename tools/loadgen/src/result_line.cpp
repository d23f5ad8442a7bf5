#include "result_line.hpp"

#include <algorithm>
#include <sstream>

#include "clock.hpp"
#include "histogram.hpp"
#include "json_text.hpp"
#include "proc_stats.hpp"

namespace loadgen {

std::string ResultLine::text() const {
  const Options& o = run_.options;
  const Tally& tally = run_.tally;
  const std::int64_t end = now_ns();
  std::ostringstream j;
  const char* mode = o.mode == Mode::Load ? "load" : o.mode == Mode::Idle ? "idle" : "storm";
  const int ready = connect_.ready_count();
  j << "{\"mode\":\"" << mode << "\",\"label\":" << json_string(o.label)
    << ",\"phase\":" << json_string(o.mode == Mode::Load ? load_.label() : std::string(mode))
    << ",\"clients\":" << o.clients << ",\"ready\":" << ready << ",\"failed\":" << connect_.failed_count()
    << ",\"closed_by_server\":" << tally.closed_by_server << ",\"timed_out\":" << (run_.timed_out ? "true" : "false")
    << ",\"nofile_limit\":" << run_.nofile_limit << ",\"first_error\":" << json_string(tally.first_error)
    << ",\"first_close\":" << json_string(tally.first_close) << ",\"chat_errors\":" << tally.chat_errors
    << ",\"first_chat_error\":" << json_string(tally.first_chat_error) << ",\"refused\":" << tally.refused
    << ",\"first_refusal\":" << json_string(tally.first_refusal) << ",\"nicknames_events\":" << tally.nicknames_events
    << ",\"announcements\":" << tally.announcements
    << ",\"run_seconds\":" << fixed(seconds_between(run_.run_start_ns, end));
  const double connect_s = connect_.seconds();
  j << ",\"connect_seconds\":" << fixed(connect_s)
    << ",\"connect_per_s\":" << fixed(connect_s > 0 ? ready / connect_s : 0, 1);

  // Loadgen CPU: over the measurement window (load) or the connect phase.
  double cpu = 0, wall = 0;
  if (o.mode == Mode::Load && load_.window_over()) {
    cpu = load_.cpu_seconds();
    wall = o.duration;
  } else if (connect_.ended()) {
    cpu = connect_.cpu_seconds();
    wall = connect_s;
  }
  const double cpu_pct = wall > 0 ? 100 * cpu / wall : 0;
  const double run_cpu = self_cpu_seconds() - run_.cpu_run_start;
  j << ",\"loadgen\":{\"cpu_pct\":" << fixed(cpu_pct, 1) << ",\"run_cpu_seconds\":" << fixed(run_cpu)
    << ",\"bottleneck\":" << (cpu_pct >= 90 ? "true" : "false") << "}";

  if (o.mode == Mode::Load) {
    const double window = o.duration;
    const Histogram& latency = tally.latency;
    j << ",\"senders\":" << o.senders << ",\"rate\":" << fixed(o.rate, 1) << ",\"window\":" << o.window
      << ",\"receivers\":" << load_.active_receivers() << ",\"sent\":" << tally.sent_total
      << ",\"sent_in_window\":" << tally.sent_window << ",\"acks\":" << tally.acks_total
      << ",\"acks_per_s\":" << fixed(static_cast<double>(tally.acks_window) / window, 1)
      << ",\"deliveries\":" << tally.deliveries_total << ",\"deliveries_in_window\":" << tally.deliveries_window
      << ",\"deliveries_per_s\":" << fixed(static_cast<double>(tally.deliveries_window) / window, 1)
      << ",\"expected_deliveries\":" << load_.expected_deliveries()
      << ",\"settle_seconds\":" << fixed(settle_.seconds()) << ",\"settled\":" << (settle_.quiet() ? "true" : "false");
    j << ",\"latency_ms\":{\"count\":" << latency.count() << ",\"p50\":" << ms(latency.quantile(0.5))
      << ",\"p90\":" << ms(latency.quantile(0.9)) << ",\"p99\":" << ms(latency.quantile(0.99))
      << ",\"p999\":" << ms(latency.quantile(0.999)) << ",\"max\":" << ms(latency.max()) << "}";
    j << ",\"stalled\":[";
    bool first = true;
    for (const auto& c : run_.clients) {
      if (!c->stalled || !load_.stall_phase()) continue;
      const bool closed = c->state == ClientState::Closed;
      j << (first ? "" : ",") << "{\"nick\":" << json_string(c->nick) << ",\"cut_off\":" << (closed ? "true" : "false")
        << ",\"how\":" << json_string(closed ? c->end_reason : "still open after reading its backlog")
        << ",\"drained_bytes\":" << c->drained_bytes << "}";
      first = false;
    }
    j << "]";
  }
  if (o.mode == Mode::Storm) {
    Histogram per_client;
    std::int64_t last = 0;
    int incomplete = 0;
    const std::int64_t start = storm_.start_ns();
    for (const auto& c : run_.clients) {
      if (c->state == ClientState::Closed && !c->ready_ns) continue;
      const std::int64_t t = o.prefill > 0 ? c->history_ns : c->ready_ns;
      if (t == 0) {
        ++incomplete;
        continue;
      }
      per_client.record((t - start) / 1000);
      last = std::max(last, t);
    }
    j << ",\"prefill\":" << o.prefill << ",\"history_deliveries\":" << tally.history_deliveries
      << ",\"incomplete\":" << incomplete << ",\"storm_seconds\":" << fixed(last ? seconds_between(start, last) : 0)
      << ",\"per_client_ms\":{\"p50\":" << ms(per_client.quantile(0.5)) << ",\"p99\":" << ms(per_client.quantile(0.99))
      << "}";
  }
  if (o.server_pid) {
    const std::int64_t rss_before = run_.server_rss_before;
    j << ",\"server\":{\"pid\":" << *o.server_pid << ",\"rss_kib_before\":" << rss_before;
    if (o.mode == Mode::Idle) {
      const std::int64_t after = std::max(idle_.rss_after(), idle_.rss_end());
      j << ",\"rss_kib_after\":" << idle_.rss_after() << ",\"rss_kib_end\":" << idle_.rss_end()
        << ",\"threads\":" << idle_.threads_after() << ",\"rss_kib_per_client\":"
        << fixed(ready > 0 && rss_before >= 0 ? static_cast<double>(after - rss_before) / ready : 0, 2);
    }
    if (o.mode == Mode::Load) {
      j << ",\"cpu_pct\":" << fixed(o.duration > 0 ? 100 * load_.server_cpu_seconds() / o.duration : 0, 1)
        << ",\"rss_kib_window_start\":" << load_.rss_window_start()
        << ",\"rss_kib_window_end\":" << load_.rss_window_end();
      const auto& series = load_.rss_series();
      std::int64_t max_rss = 0;
      for (const auto& [t, rss] : series) max_rss = std::max(max_rss, rss);
      j << ",\"rss_kib_max\":" << max_rss << ",\"rss_series\":[";
      for (std::size_t i = 0; i < series.size(); ++i) {
        j << (i ? "," : "") << "[" << fixed(series[i].first, 1) << "," << series[i].second << "]";
      }
      j << "]";
    }
    j << "}";
  }
  j << "}\n";
  return j.str();
}

}  // namespace loadgen

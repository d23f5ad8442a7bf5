#include "metrics/metrics.hpp"

#include "metrics/prometheus_text.hpp"

namespace chatd::metrics {

namespace {

// The counters of /metrics, in the order they are written.
struct CounterFamily {
  const char* name;
  const char* help;
  Counter Metrics::*counter;
};

constexpr CounterFamily kCounters[] = {
    {"chatd_engineio_sessions_opened_total", "Engine.IO sessions opened (handshakes admitted)",
     &Metrics::sessions_opened},
    {"chatd_engineio_sessions_closed_total", "Engine.IO sessions closed", &Metrics::sessions_closed},
    {"chatd_engineio_sessions_refused_total",
     "Engine.IO handshakes refused by --max-connections or --max-connections-per-address", &Metrics::sessions_refused},
    {"chatd_engineio_send_queue_overflows_total",
     "Sessions closed because their bounded send queue overflowed (client too slow)", &Metrics::send_queue_overflows},
    {"chatd_engineio_ping_timeouts_total", "Sessions closed because their pong came too late", &Metrics::ping_timeouts},
    {"chatd_socketio_events_received_total", "Socket.IO EVENT packets received from clients",
     &Metrics::events_received},
    {"chatd_socketio_events_sent_total",
     "Socket.IO EVENT packets queued to clients (a broadcast counts once per recipient)", &Metrics::events_sent},
    {"chatd_chat_messages_stored_total", "Chat messages committed to the history", &Metrics::messages_stored},
    {"chatd_chat_deliveries_total", "Chat message frames queued to recipients (live messages)", &Metrics::deliveries},
    {"chatd_chat_rate_limited_total", "Chat requests refused by the rate limiter", &Metrics::rate_limited},
    {"chatd_history_append_failures_total", "Chat messages the history store could not commit",
     &Metrics::append_failures},
};

}  // namespace

std::string render_prometheus(const Metrics& m, const ConnectionCounts& connections) {
  PrometheusText out;
  out.gauge("chatd_connections", "Open Engine.IO sessions by transport",
            {{{{"transport", "websocket"}}, static_cast<double>(connections.websocket)},
             {{{"transport", "polling"}}, static_cast<double>(connections.polling)}});
  for (const auto& family : kCounters) out.counter(family.name, family.help, (m.*family.counter).value());
  out.histogram("chatd_history_append_seconds",
                "Time from handing a message to the history store to its commit report (queueing included)",
                m.append_seconds.snapshot());
  return out.text();
}

}  // namespace chatd::metrics

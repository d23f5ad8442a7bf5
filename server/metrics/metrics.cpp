#include "metrics/metrics.hpp"

#include "metrics/prometheus_text.hpp"

namespace chatd::metrics {

std::string render_prometheus(const Metrics& m, const ConnectionCounts& connections) {
  PrometheusText out;
  out.gauge("chatd_connections", "Open Engine.IO sessions by transport",
            {{{{"transport", "websocket"}}, static_cast<double>(connections.websocket)},
             {{{"transport", "polling"}}, static_cast<double>(connections.polling)}});
  out.counter("chatd_engineio_sessions_opened_total", "Engine.IO sessions opened (handshakes admitted)",
              m.sessions_opened.value());
  out.counter("chatd_engineio_sessions_closed_total", "Engine.IO sessions closed", m.sessions_closed.value());
  out.counter("chatd_engineio_sessions_refused_total",
              "Engine.IO handshakes refused by --max-connections or --max-connections-per-address",
              m.sessions_refused.value());
  out.counter("chatd_engineio_send_queue_overflows_total",
              "Sessions closed because their bounded send queue overflowed (client too slow)",
              m.send_queue_overflows.value());
  out.counter("chatd_engineio_ping_timeouts_total", "Sessions closed because their pong came too late",
              m.ping_timeouts.value());
  out.counter("chatd_socketio_events_received_total", "Socket.IO EVENT packets received from clients",
              m.events_received.value());
  out.counter("chatd_socketio_events_sent_total",
              "Socket.IO EVENT packets queued to clients (a broadcast counts once per recipient)",
              m.events_sent.value());
  out.counter("chatd_chat_messages_stored_total", "Chat messages committed to the history",
              m.messages_stored.value());
  out.counter("chatd_chat_deliveries_total", "Chat message frames queued to recipients (live messages)",
              m.deliveries.value());
  out.counter("chatd_chat_rate_limited_total", "Chat requests refused by the rate limiter",
              m.rate_limited.value());
  out.counter("chatd_history_append_failures_total", "Chat messages the history store could not commit",
              m.append_failures.value());
  out.histogram("chatd_history_append_seconds",
                "Time from handing a message to the history store to its commit report (queueing included)",
                m.append_seconds.snapshot());
  return out.text();
}

}  // namespace chatd::metrics

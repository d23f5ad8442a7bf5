#pragma once
// chatd's operational counters, one instance per server, handed to the layers
// that count (Engine.IO, Socket.IO, chat service). It knows nothing of HTTP:
// render_prometheus() turns it into text, and the transport serves that text.

#include <cstdint>
#include <string>

#include "metrics/counter.hpp"
#include "metrics/histogram.hpp"

namespace chatd::metrics {

struct Metrics {
  // Engine.IO
  Counter sessions_opened;       // admitted by the handshake
  Counter sessions_closed;       // admitted sessions whose transport ended
  Counter sessions_refused;      // handshakes beyond --max-connections or --max-connections-per-address, on
                                 // either transport (WebSocket: closed with 1013; long-polling: HTTP 503/429)
  Counter send_queue_overflows;  // sessions closed because their bounded send queue was full
  Counter ping_timeouts;         // sessions closed because their pong was late
  // Socket.IO
  Counter events_received;  // EVENT packets from clients, in a joined namespace
  Counter events_sent;      // EVENT packets queued to clients (a broadcast counts each recipient)
  // Chat
  Counter messages_stored;  // user messages committed to the history
  Counter deliveries;       // user-message frames queued to recipients (live, not replays)
  Counter rate_limited;     // requests refused by the rate limiter
  // History store, as the chat service sees it.
  Counter append_failures;
  // From append() to the store's report of the commit (queueing included).
  Histogram append_seconds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
};

// Sampled when /metrics is read rather than counted as they change.
struct ConnectionCounts {
  std::uint64_t websocket = 0;
  std::uint64_t polling = 0;
};

// The Prometheus text exposition (format 0.0.4) of everything above.
std::string render_prometheus(const Metrics& metrics, const ConnectionCounts& connections);

}  // namespace chatd::metrics

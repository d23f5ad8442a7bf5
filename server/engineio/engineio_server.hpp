#pragma once
// The Engine.IO v4 server: opens sessions with the handshake, decodes their
// packets, runs the heartbeat, and hands message packets to the layer above.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "codec/engineio_packet.hpp"
#include "codec/result.hpp"
#include "defaults.hpp"
#include "engineio/frame_sink.hpp"
#include "engineio/send_pool.hpp"
#include "engineio/session.hpp"
#include "engineio/session_handler.hpp"
#include "metrics/metrics.hpp"

namespace chatd::eio {

// Defaults as chatd's options have them (defaults.hpp).
struct EngineIoConfig {
  std::chrono::milliseconds ping_interval = defaults::kPingInterval;
  std::chrono::milliseconds ping_timeout = defaults::kPingTimeout;
  std::size_t max_payload = defaults::kMaxPayload;
  std::size_t max_sessions = defaults::kMaxConnections;
  std::size_t max_sessions_per_address =
      defaults::kMaxConnectionsPerAddress;         // sessions from one remote IP; 0: no limit
  std::size_t max_queued_bytes = 4 * 1024 * 1024;  // per session
  unsigned send_threads = 4;
  // A session the layer above has not marked established within this is
  // closed (Socket.IO's connectTimeout); zero: no limit.
  std::chrono::milliseconds establish_timeout = defaults::kConnectTimeout;
};

class EngineIoServer {
 public:
  // `metrics`, when given, counts sessions and must outlive the server.
  EngineIoServer(EngineIoConfig config, SessionHandler& handler, metrics::Metrics* metrics = nullptr);
  ~EngineIoServer();
  EngineIoServer(const EngineIoServer&) = delete;
  EngineIoServer& operator=(const EngineIoServer&) = delete;

  const EngineIoConfig& config() const { return config_; }

  // A transport opened: sends the handshake. When the server is full, or
  // holds max_sessions_per_address sessions from `remote_address` already,
  // the session is created only to tell the client why, then closed (1013).
  // `upgradable`: the transport is long-polling, which may upgrade to WebSocket.
  std::shared_ptr<Session> open(std::shared_ptr<FrameSink> sink, bool upgradable = false,
                                std::string remote_address = {});

  // Why a new session is not admitted.
  struct Refusal {
    enum class Kind { ServerFull, AddressFull };
    Kind kind;
    std::string reason;  // for the client
  };
  // Whether open() would admit a session from `remote_address` now.
  // Long-polling asks first, to answer a refusal with an HTTP error instead;
  // a refusal is counted and logged here as open() does it.
  codec::Result<void, Refusal> admit(const std::string& remote_address);

  // The live session with this id, for long-polling requests and upgrades.
  std::shared_ptr<Session> find(const std::string& sid) const;

  // One WebSocket frame arrived for the session.
  void on_text_frame(Session& session, std::string_view frame);
  void on_binary_frame(Session& session, std::string_view frame);
  // One decoded packet (long-polling payloads carry several).
  void on_packet(Session& session, const ::codec::eio::Packet& packet);

  // The transport is gone; the session is forgotten.
  void on_transport_closed(Session& session);

  // Closes every session with "going away" (graceful shutdown).
  void close_all(std::string_view reason);

  std::size_t session_count() const;
  // Open sessions by transport, for /metrics.
  metrics::ConnectionCounts connection_counts() const;

  // True when the session's pong is overdue: a long-polling request checks
  // this itself rather than rely on the heartbeat thread being on time.
  bool pong_overdue(const Session& session) const;

 private:
  void run_heartbeat(std::stop_token stop);

  const EngineIoConfig config_;
  SessionHandler& handler_;
  metrics::Metrics* const metrics_;
  SendPool send_pool_;

  codec::Result<void, Refusal> admission_locked(const std::string& remote_address) const;
  void count_refusal(const Refusal& refusal, const std::string& remote_address);

  mutable std::mutex mutex_;  // guards sessions_ and sessions_per_address_
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::unordered_map<std::string, std::size_t> sessions_per_address_;  // admitted sessions only

  std::mutex heartbeat_mutex_;
  std::condition_variable_any heartbeat_wakeup_;  // also woken when the heartbeat is asked to stop
  bool rescan_ = false;                           // a session opened: its deadlines may come first
  std::jthread heartbeat_;
};

}  // namespace chatd::eio

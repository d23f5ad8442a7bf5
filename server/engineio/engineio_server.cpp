#include "engineio/engineio_server.hpp"

#include <string>
#include <vector>

#include "codec/engineio_packet.hpp"
#include "engineio/session_id.hpp"
#include "log/logger.hpp"

namespace chatd::eio {

EngineIoServer::EngineIoServer(EngineIoConfig config, SessionHandler& handler, metrics::Metrics* metrics)
    : config_(config), handler_(handler), metrics_(metrics), send_pool_(config.send_threads) {
  heartbeat_ = std::jthread([this](std::stop_token stop) { run_heartbeat(stop); });
}

EngineIoServer::~EngineIoServer() {
  // The heartbeat first: it queues pings on the send threads.
  heartbeat_.request_stop();
  heartbeat_.join();
  send_pool_.stop();
}

std::shared_ptr<Session> EngineIoServer::find(const std::string& sid) const {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(sid);
  return it == sessions_.end() ? nullptr : it->second;
}

codec::Result<void, EngineIoServer::Refusal> EngineIoServer::admit(const std::string& remote_address) {
  codec::Result<void, Refusal> admitted;
  {
    std::lock_guard lock(mutex_);
    admitted = admission_locked(remote_address);
  }
  if (!admitted) count_refusal(admitted.error(), remote_address);
  return admitted;
}

codec::Result<void, EngineIoServer::Refusal> EngineIoServer::admission_locked(const std::string& remote_address) const {
  if (sessions_.size() >= config_.max_sessions) {
    return Refusal{Refusal::Kind::ServerFull, "server full: too many connections, try again later"};
  }
  if (config_.max_sessions_per_address > 0) {
    const auto it = sessions_per_address_.find(remote_address);
    if (it != sessions_per_address_.end() && it->second >= config_.max_sessions_per_address) {
      return Refusal{Refusal::Kind::AddressFull, "too many connections from your address (at most " +
                                                     std::to_string(config_.max_sessions_per_address) +
                                                     "), try again later"};
    }
  }
  return {};
}

void EngineIoServer::count_refusal(const Refusal& refusal, const std::string& remote_address) {
  if (metrics_) metrics_->sessions_refused.add();
  log::info("session refused", {{"reason", refusal.reason}, {"address", remote_address}});
}

std::shared_ptr<Session> EngineIoServer::open(std::shared_ptr<FrameSink> sink, bool upgradable,
                                              std::string remote_address) {
  auto session =
      std::make_shared<Session>(generate_session_id(), std::move(sink), send_pool_, config_.max_queued_bytes,
                                std::move(remote_address), metrics_ ? &metrics_->send_queue_overflows : nullptr);
  session->set_long_polling(upgradable);
  codec::Result<void, Refusal> admitted;
  {
    std::lock_guard lock(mutex_);
    admitted = admission_locked(session->remote_address());
    if (admitted) {
      sessions_.emplace(session->sid(), session);
      ++sessions_per_address_[session->remote_address()];
    }
  }
  if (!admitted) {
    count_refusal(admitted.error(), session->remote_address());
    session->close(close_code::kTryAgainLater, admitted.error().reason);
    return session;
  }
  if (metrics_) metrics_->sessions_opened.add();
  codec::eio::Handshake handshake;
  handshake.sid = session->sid();
  handshake.ping_interval_ms = static_cast<std::uint32_t>(config_.ping_interval.count());
  handshake.ping_timeout_ms = static_cast<std::uint32_t>(config_.ping_timeout.count());
  handshake.max_payload = config_.max_payload;
  handshake.can_upgrade_to_websocket = upgradable;
  session->set_next_ping_at(Session::Clock::now() + config_.ping_interval);
  session->send(codec::eio::encode_open(handshake));
  log::debug("session opened", {{"sid", session->sid()}, {"transport", upgradable ? "polling" : "websocket"}});
  handler_.on_open(*session);
  {
    std::lock_guard lock(heartbeat_mutex_);
    rescan_ = true;
  }
  heartbeat_wakeup_.notify_one();
  return session;
}

void EngineIoServer::on_text_frame(Session& session, std::string_view frame) {
  if (session.closing()) return;
  auto decoded = codec::eio::decode_text_frame(frame, config_.max_payload);
  if (!decoded) {
    const auto kind = decoded.error().kind;
    const auto code = kind == codec::CodecErrorKind::TooLarge      ? close_code::kTooBig
                      : kind == codec::CodecErrorKind::InvalidUtf8 ? close_code::kInvalidPayload
                                                                   : close_code::kProtocolError;
    session.close(code, decoded.error().reason);
    return;
  }
  on_packet(session, *decoded);
}

void EngineIoServer::on_packet(Session& session, const codec::eio::Packet& decoded) {
  if (session.closing()) return;
  switch (decoded.type) {
    case codec::eio::PacketType::Message:
      if (decoded.binary) {
        handler_.on_binary_message(session, decoded.data);
      } else {
        handler_.on_message(session, decoded.data);
      }
      return;
    case codec::eio::PacketType::Pong: session.pong_received(); return;
    case codec::eio::PacketType::Ping:
      // Only valid as the "2probe" of an upgrade; answer it, it costs nothing.
      session.send(codec::eio::encode_text_frame(codec::eio::PacketType::Pong, decoded.data));
      return;
    case codec::eio::PacketType::Close: session.close(close_code::kNormal, "client closed the session"); return;
    case codec::eio::PacketType::Upgrade:
    case codec::eio::PacketType::Noop: return;  // meaningful only during an upgrade from polling; harmless here
    case codec::eio::PacketType::Open:
      session.close(close_code::kProtocolError, "clients must not send an open packet");
      return;
  }
}

void EngineIoServer::on_binary_frame(Session& session, std::string_view frame) {
  if (session.closing()) return;
  auto decoded = codec::eio::decode_binary_frame(frame, config_.max_payload);
  if (!decoded) {
    session.close(close_code::kTooBig, decoded.error().reason);
    return;
  }
  handler_.on_binary_message(session, decoded->data);
}

void EngineIoServer::on_transport_closed(Session& session) {
  std::shared_ptr<Session> owned;
  {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(session.sid());
    if (it == sessions_.end() || it->second.get() != &session) return;  // never admitted (server full)
    owned = std::move(it->second);
    sessions_.erase(it);
    const auto count = sessions_per_address_.find(session.remote_address());
    if (count != sessions_per_address_.end() && --count->second == 0) sessions_per_address_.erase(count);
  }
  if (metrics_) metrics_->sessions_closed.add();
  session.close(close_code::kNormal, {});  // refuse further sends
  if (log::enabled(log::Level::debug)) {
    const auto reason = session.close_reason();
    log::debug("session closed", {{"sid", session.sid()}, {"reason", reason.empty() ? "transport closed" : reason}});
  }
  handler_.on_close(session, "transport close");
}

void EngineIoServer::close_all(std::string_view reason) {
  std::vector<std::shared_ptr<Session>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [sid, session] : sessions_) all.push_back(session);
  }
  for (const auto& session : all) session->close(close_code::kGoingAway, std::string(reason));
}

bool EngineIoServer::pong_overdue(const Session& session) const {
  const auto since = session.awaiting_pong_since();
  return since && Session::Clock::now() - *since >= config_.ping_timeout;
}

std::size_t EngineIoServer::session_count() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

metrics::ConnectionCounts EngineIoServer::connection_counts() const {
  metrics::ConnectionCounts counts;
  std::lock_guard lock(mutex_);
  for (const auto& [sid, session] : sessions_) ++(session->long_polling() ? counts.polling : counts.websocket);
  return counts;
}

void EngineIoServer::run_heartbeat(std::stop_token stop) {
  // Wake at the earliest deadline, and at least this often for new sessions.
  const auto max_sleep = std::min<std::chrono::milliseconds>(std::min(config_.ping_interval, config_.ping_timeout) / 4,
                                                             std::chrono::milliseconds(1000));
  const auto ping_frame = make_frame(codec::eio::encode_text_frame(codec::eio::PacketType::Ping));
  std::vector<std::shared_ptr<Session>> snapshot;
  auto wake_at = Session::Clock::now() + max_sleep;
  std::unique_lock wait_lock(heartbeat_mutex_);
  for (;;) {
    heartbeat_wakeup_.wait_until(wait_lock, stop, wake_at, [this] { return rescan_; });
    if (stop.stop_requested()) return;
    rescan_ = false;
    wait_lock.unlock();
    {
      std::lock_guard lock(mutex_);
      snapshot.clear();
      snapshot.reserve(sessions_.size());
      for (const auto& [sid, session] : sessions_) snapshot.push_back(session);
    }
    const auto now = Session::Clock::now();
    wake_at = now + max_sleep;
    DeferredScheduling round;  // the round's pings and closes wake the send threads once
    for (const auto& session : snapshot) {
      if (session->closing()) continue;
      if (!session->established() && config_.establish_timeout.count() > 0) {
        const auto deadline = session->opened_at() + config_.establish_timeout;
        if (now >= deadline) {
          session->close(close_code::kPolicyViolation, "no Socket.IO CONNECT within the connect timeout");
          continue;
        }
        wake_at = std::min(wake_at, deadline);
      }
      if (const auto since = session->awaiting_pong_since()) {
        const auto deadline = *since + config_.ping_timeout;
        if (now >= deadline) {
          session->close(close_code::kPolicyViolation, "ping timeout");
          if (metrics_) metrics_->ping_timeouts.add();
          continue;
        }
        wake_at = std::min(wake_at, deadline);
      } else if (now >= session->next_ping_at()) {
        // Count from when the ping was due, not from when this thread woke,
        // so that its lateness does not stretch the timeout (unless far behind).
        const auto due = session->next_ping_at();
        const auto sent = now - due < config_.ping_timeout / 4 ? due : now;
        session->ping_sent(sent);
        session->set_next_ping_at(sent + config_.ping_interval);
        session->send(ping_frame);
        wake_at = std::min(wake_at, sent + config_.ping_timeout);
      } else {
        wake_at = std::min(wake_at, session->next_ping_at());
      }
    }
    snapshot.clear();
    wait_lock.lock();
  }
}

}  // namespace chatd::eio

#pragma once
// Small helpers shared by the integration tests: reading chat events out of
// raw frames, so that a test states what it expects in a line.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <signal.h>

#include <thread>

#include "chatd_process.hpp"
#include "codec/chat_events.hpp"
#include "socketio_test_client.hpp"

namespace chat_it {

inline std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The server event a raw frame holds; throws when it holds none.
inline codec::events::ServerEvent server_event(const std::string& frame) {
  auto event = codec::events::decode_server_event(SocketIoTestClient::decode_message(frame));
  if (!event) throw std::runtime_error("not a chat event: '" + frame + "': " + event.error().reason);
  return std::move(*event);
}

template <typename Event>
Event event_as(const std::string& frame) {
  auto event = server_event(frame);
  if (auto* typed = std::get_if<Event>(&event)) return std::move(*typed);
  throw std::runtime_error("frame holds another chat event: '" + frame + "'");
}

template <typename Event>
Event event_as(const codec::sio::Packet& packet) {
  auto event = codec::events::decode_server_event(packet);
  if (!event) throw std::runtime_error("not a chat event: " + event.error().reason);
  if (auto* typed = std::get_if<Event>(&*event)) return std::move(*typed);
  throw std::runtime_error("packet holds another chat event: " + codec::sio::encode(packet));
}

inline bool is_ack_frame(const std::string& frame, std::uint64_t id) {
  if (frame.empty() || frame[0] != '4') return false;
  auto packet = codec::sio::decode(std::string_view(frame).substr(1));
  return packet && packet->type == codec::sio::PacketType::Ack && packet->ack_id == id;
}

inline bool is_event_frame(const std::string& frame, std::string_view name) {
  if (frame.empty() || frame[0] != '4') return false;
  auto packet = codec::sio::decode(std::string_view(frame).substr(1));
  return packet && packet->type == codec::sio::PacketType::Event && packet->data.front() == name;
}

// The raw frame the server sends for a message ack, as the protocol spells it.
inline std::string message_ack_frame(std::uint64_t ack_id, const codec::events::MessageMeta& meta) {
  return "43" + std::to_string(ack_id) + "[{\"id\":" + std::to_string(meta.id) + ",\"ts\":" + std::to_string(meta.ts) +
         "}]";
}

// Reads until the nicknames list has `count` names, so that a test starts
// from a quiet inbox.
inline void settle(SocketIoTestClient& client, std::size_t count) {
  for (;;) {
    const auto list = event_as<codec::events::Nicknames>(client.wait_for_event(codec::events::kNicknames));
    if (list.nicknames.size() == count) return;
  }
}

// Skips frames until the announcement with exactly this text; throws on timeout.
inline void wait_for_announcement(SocketIoTestClient& client, const std::string& text,
                                  std::chrono::milliseconds timeout = SocketIoTestClient::kTimeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto packet =
        client.wait_for_event(codec::events::kAnnouncement, std::max(left, std::chrono::milliseconds(1)));
    if (packet.data.size() > 1 && packet.data[1] == text) return;
  }
}

// Reads on several clients in turn (each answering its pings) for up to
// `duration`, or until `done` holds. Returns whether `done` held.
inline bool pump_together(
    std::initializer_list<SocketIoTestClient*> clients, std::chrono::milliseconds duration,
    const std::function<bool()>& done = [] { return false; }) {
  const auto deadline = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < deadline) {
    for (auto* client : clients) {
      client->pump_for(std::chrono::milliseconds(5));
      if (done()) return true;
    }
  }
  return done();
}

// Stops chatd with SIGTERM while the clients keep reading, so that they
// answer its close frames and the stop takes a fraction of a second.
// Returns chatd's exit code (-1 if it had to be killed).
inline int stop_server(ChatdProcess& server, const std::vector<SocketIoTestClient*>& clients = {}) {
  server.send_signal(SIGTERM);
  return server.wait_for_exit(ChatdProcess::kStopGrace, /*wake_listener=*/true, [&] {
    if (clients.size() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (auto* client : clients) client->pump_for(std::chrono::milliseconds(2));
  });
}

}  // namespace chat_it

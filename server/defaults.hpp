#pragma once
// The default of every chatd setting, in one place, each with the reason for
// it. ServerOptions (and so --help) and the configs of the layers
// (ChatConfig, EngineIoConfig, HttpConfig) all take their defaults from here,
// so that a layer built on its own, as the tests build them, behaves as chatd
// does when started with no flags.

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "log/logger.hpp"

namespace chatd::defaults {

// The port of the classic Socket.IO chat example that chatd succeeds.
inline constexpr int kPort = 3000;
// Relative to the working directory: tools/run starts chatd in the
// repository, whose data/ is ignored by git.
inline constexpr const char* kDatabase = "data/chat.db";
// No cap: the disk is the limit; an operator sets one where the disk is shared.
inline constexpr std::uint64_t kDatabaseMaxSize = 0;
// Enough context for a newcomer; the chat keeps this many messages in memory
// to replay them under its lock without reading the database.
inline constexpr std::size_t kHistory = 100;
// Socket.IO's own default for connectionStateRecovery.maxDisconnectionDuration.
inline constexpr std::chrono::seconds kRecoveryWindow{120};
// CivetWeb serves each WebSocket on a thread of its own: a thousand mostly
// sleeping threads fit a small server (see the README's "Threads").
inline constexpr std::size_t kMaxConnections = 1000;
// Room for many people behind one NAT, yet one address cannot take more than
// a tenth of kMaxConnections.
inline constexpr std::size_t kMaxConnectionsPerAddress = 100;
// Far above what a person types, far below what a script floods with.
inline constexpr std::uint32_t kRateLimit = 10;
// A pasted burst of lines passes; a sustained flood does not.
inline constexpr std::uint32_t kRateBurst = 20;
// Engine.IO's defaults (pingInterval, pingTimeout), which clients expect.
inline constexpr std::chrono::milliseconds kPingInterval{25000};
inline constexpr std::chrono::milliseconds kPingTimeout{20000};
// Socket.IO's connectTimeout default.
inline constexpr std::chrono::milliseconds kConnectTimeout{45000};
// Engine.IO's maxHttpBufferSize default; a chat message is far smaller.
inline constexpr std::size_t kMaxPayload = 1'000'000;
// Ample for a slow link's request headers and TLS handshake, short enough
// that connections sending nothing do not hold CivetWeb's threads for long.
inline constexpr std::chrono::milliseconds kRequestTimeout{15000};
// Starts, stops, refused connections and failures, without per-client noise.
inline constexpr log::Level kLogLevel = log::Level::info;

// How long CivetWeb lets a WebSocket stay silent. The Engine.IO heartbeat
// closes a silent client after ping interval + ping timeout; CivetWeb's own
// timeout is only a backstop, a little later, so that it never fires first.
constexpr std::chrono::milliseconds websocket_idle_timeout(std::chrono::milliseconds ping_interval,
                                                           std::chrono::milliseconds ping_timeout) {
  return ping_interval + ping_timeout + std::chrono::seconds(5);
}

}  // namespace chatd::defaults

#pragma once
// One run of chatd's chat layer (history store, recovery store, service) on a
// database that outlives it, so that a test can stop it and start another on
// the same file, as a restart does. Shared by the recovery and message-key tests.

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chat/chat_config.hpp"
#include "chat/chat_service.hpp"
#include "chat/client_id.hpp"
#include "chat/local_recovery.hpp"
#include "recording_outbox.hpp"
#include "store/sqlite_history_store.hpp"
#include "store/sqlite_recovery_store.hpp"

struct ChatRun {
  chatd::store::SqliteHistoryStore store;
  chatd::store::SqliteRecoveryStore members;
  RecordingOutbox outbox;
  chatd::chat::ChatConfig config;
  chatd::chat::LocalRecovery recovery;
  chatd::chat::ChatService chat;

  ChatRun(const std::filesystem::path& db, const chatd::chat::ChatConfig& chat_config);
  // Flushes the sessions as a clean shutdown does.
  ~ChatRun();
};

// What a client keeps to resume: its recovery token and the last offset it
// read (the last string argument of the last event, as socket.io-client keeps it).
struct ResumableClient {
  std::string recovery_token;
  std::string offset;
};

// The JSON array of a Socket.IO packet's text ([name, args...] or an ack's arguments).
nlohmann::json packet_payload(const std::string& packet);

// `id`'s packets since the last call, as JSON, remembering the last
// broadcast's offset in `client`, as socket.io-client does.
std::vector<nlohmann::json> receive(ChatRun& run, chatd::chat::ClientId id, ResumableClient& client);

// Connects `id` without resuming and joins it as `nickname`; its join replay is read.
ResumableClient join(ChatRun& run, chatd::chat::ClientId id, const std::string& nickname);

#include "chat_run.hpp"

#include <optional>

ChatRun::ChatRun(const std::filesystem::path& db, const chatd::chat::ChatConfig& chat_config)
    : store(db),
      members(db),
      config(chat_config),
      recovery(config, store, members),
      chat(config, store, recovery, outbox) {}

ChatRun::~ChatRun() { members.flush(); }

nlohmann::json packet_payload(const std::string& packet) {
  return nlohmann::json::parse(packet.substr(packet.find('[')));
}

std::vector<nlohmann::json> receive(ChatRun& run, chatd::chat::ClientId id, ResumableClient& client) {
  std::vector<nlohmann::json> events;
  for (const auto& packet : run.outbox.take(id)) {
    auto data = packet_payload(packet);
    if (packet[0] == '2' && data.back().is_string()) client.offset = data.back().get<std::string>();
    events.push_back(std::move(data));
  }
  return events;
}

ResumableClient join(ChatRun& run, chatd::chat::ClientId id, const std::string& nickname) {
  ResumableClient client;
  // No token when recovery is off (a zero window).
  run.chat.connect(id, std::nullopt,
                   [&](const std::optional<std::string>& token) { client.recovery_token = token.value_or(""); });
  run.chat.on_nickname(id, codec::events::NicknameRequest{nickname, 1});
  receive(run, id, client);
  return client;
}

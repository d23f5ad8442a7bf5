// Durability: chatd is killed with SIGKILL at a random moment while several
// clients send messages, 20 times over one database. Every message whose ack
// reached its sender must be in the history after the restart, exactly once,
// and the database must pass SQLite's integrity check.

#include <catch2/catch.hpp>

#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "chatd_process.hpp"
#include "history_database.hpp"
#include "socketio_test_client.hpp"
#include "temporary_directory.hpp"
#include "test_support.hpp"

using chat_it::ChatdProcess;
using chat_it::HistoryDatabase;
using chat_it::SocketIoTestClient;
using nlohmann::json;
namespace events = codec::events;

namespace {

constexpr int kCycles = 20;
constexpr int kSenders = 4;
constexpr std::size_t kWindow = 16;  // unacknowledged messages per sender
constexpr std::size_t kReplay = 200;

// One sender's view of a cycle: what the server acknowledged to it.
struct SenderLog {
  std::map<std::string, std::int64_t> acknowledged;  // text -> id from the ack
  std::size_t sent = 0;
  std::size_t refused = 0;
  std::string failure;  // an error before the kill
};

// Keeps kWindow messages in flight until the connection dies.
// `acked` counts every sender's acks, so that the kill can wait for the
// first one: on a loaded machine the random delay alone can end before chatd
// has committed anything, and the cycle would test nothing.
void send_until_killed(SocketIoTestClient& client, const std::string& tag, const std::atomic<bool>& killed,
                       std::atomic<std::size_t>& acked, SenderLog& log) {
  std::unordered_map<std::uint64_t, std::string> outstanding;
  std::size_t sequence = 0;
  try {
    for (;;) {
      while (outstanding.size() < kWindow) {
        std::string text = tag + "." + std::to_string(sequence++);
        const auto ack_id = client.emit(events::kUserMessage, json::array({text}));
        outstanding.emplace(ack_id, std::move(text));
        ++log.sent;
      }
      const auto frame = client.next_frame(std::chrono::milliseconds(5000));
      const auto packet = SocketIoTestClient::decode_message(frame);
      if (packet.type != codec::sio::PacketType::Ack || !packet.ack_id) continue;  // others' messages
      const auto it = outstanding.find(*packet.ack_id);
      if (it == outstanding.end()) throw std::runtime_error("ack for no message: " + frame);
      const auto ack = events::decode_user_message_ack(packet);
      if (!ack) throw std::runtime_error("bad ack: " + frame);
      if (ack->meta) {
        if (!log.acknowledged.emplace(it->second, ack->meta->id).second) {
          throw std::runtime_error("acknowledged twice: " + it->second);
        }
        ++acked;
      } else {
        ++log.refused;
      }
      outstanding.erase(it);
    }
  } catch (const std::exception& error) {
    if (!killed) log.failure = error.what();
  }
}

// What the restarted server's database and history replay say about every
// message acknowledged so far.
struct Verdict {
  std::size_t lost = 0;        // acknowledged, but not stored under its id
  std::size_t duplicated = 0;  // stored more than once
  std::string integrity;
};

Verdict verify(const std::filesystem::path& db, const std::map<std::string, std::int64_t>& acknowledged) {
  Verdict verdict;
  HistoryDatabase database(db);
  verdict.integrity = database.integrity_check();
  std::unordered_map<std::string, std::int64_t> stored;
  for (auto& row : database.rows()) {
    if (!stored.emplace(std::move(row.body), row.id).second) ++verdict.duplicated;
  }
  for (const auto& [text, id] : acknowledged) {
    const auto it = stored.find(text);
    if (it == stored.end() || it->second != id) ++verdict.lost;
  }
  return verdict;
}

}  // namespace

TEST_CASE("every acknowledged message survives SIGKILL, exactly once, over 20 crash cycles", "[durability]") {
  TemporaryDirectory dir;
  const auto db = dir.path() / "chat.db";
  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> kill_after_ms(50, 500);
  std::map<std::string, std::int64_t> acknowledged;
  std::unordered_set<std::int64_t> acknowledged_ids;
  std::size_t sent = 0;
  std::size_t cycles_done = 0;
  std::size_t in_flight_at_kills = 0;

  for (int cycle = 1; cycle <= kCycles + 1; ++cycle) {
    ChatdProcess server({"--history", std::to_string(kReplay), "--rate-limit", "0"}, db);  // sustained load

    // The restart after a kill: the history must hold every acknowledged
    // message exactly once, and the file must be sound.
    const auto verdict = verify(db, acknowledged);
    INFO("cycle " << cycle << ", " << acknowledged.size() << " acknowledged so far");
    REQUIRE(verdict.integrity == "ok");
    REQUIRE(verdict.lost == 0);
    REQUIRE(verdict.duplicated == 0);
    // The replay on join is the tail of that history, in order.
    {
      SocketIoTestClient reader(server.port());
      reader.connect();
      reader.emit(events::kNickname, json::array({"reader"}));
      const auto frames =
          reader.frames_until([](const std::string& f) { return chat_it::is_event_frame(f, events::kNicknames); });
      auto rows = HistoryDatabase(db).rows();
      const std::size_t expected = std::min(rows.size(), kReplay);
      REQUIRE(frames.size() == expected + 2);
      std::size_t replay_mismatches = 0;
      for (std::size_t i = 0; i < expected; ++i) {
        const auto message = chat_it::event_as<events::UserMessage>(frames[1 + i]);
        const auto& row = rows[rows.size() - expected + i];
        if (message.meta.id != row.id || message.text != row.body) ++replay_mismatches;
      }
      CHECK(replay_mismatches == 0);
      reader.close();
    }
    if (cycle > kCycles) break;

    std::vector<std::unique_ptr<SocketIoTestClient>> clients;
    for (int k = 0; k < kSenders; ++k) {
      clients.push_back(std::make_unique<SocketIoTestClient>(server.port()));
      clients.back()->join("sender" + std::to_string(k));
    }
    std::atomic<bool> killed{false};
    std::atomic<std::size_t> acked{0};
    std::vector<SenderLog> logs(kSenders);
    std::vector<std::thread> senders;
    for (int k = 0; k < kSenders; ++k) {
      senders.emplace_back(send_until_killed, std::ref(*clients[static_cast<std::size_t>(k)]),
                           "c" + std::to_string(cycle) + ".s" + std::to_string(k), std::cref(killed), std::ref(acked),
                           std::ref(logs[static_cast<std::size_t>(k)]));
    }
    // Under load: after the first ack (at most 10 s), then at a random moment.
    for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
         acked == 0 && std::chrono::steady_clock::now() < deadline;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(random)));
    killed = true;
    server.send_signal(SIGKILL);
    server.wait_for_exit(ChatdProcess::kStopGrace, /*wake_listener=*/false);
    for (auto& sender : senders) sender.join();

    std::size_t acknowledged_this_cycle = 0;
    std::size_t ids_reused = 0;  // an id acknowledged for two texts
    for (const auto& log : logs) {
      INFO("cycle " << cycle);
      REQUIRE(log.failure.empty());
      CHECK(log.refused == 0);
      sent += log.sent;
      in_flight_at_kills += log.sent - log.acknowledged.size() - log.refused;
      acknowledged_this_cycle += log.acknowledged.size();
      for (const auto& [text, id] : log.acknowledged) {
        acknowledged.emplace(text, id);
        if (!acknowledged_ids.insert(id).second) ++ids_reused;
      }
    }
    CHECK(ids_reused == 0);
    CHECK(acknowledged_this_cycle > 0);  // the kill came under load
    ++cycles_done;
  }

  std::cout << "durability: " << cycles_done << " of " << kCycles << " cycles, " << acknowledged.size()
            << " acknowledged messages, 0 lost, 0 duplicated (" << sent << " sent; " << in_flight_at_kills
            << " were unacknowledged when chatd was killed)" << std::endl;
  CHECK(cycles_done == kCycles);
}

// Connection state recovery in the chat service: resumed members get their
// nickname back and exactly the broadcasts they missed, within this run and
// across a restart (a new ChatService on the same database).

#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include <nlohmann/json.hpp>

#include "chat_run.hpp"
#include "temporary_directory.hpp"

using chatd::chat::ChatConfig;
using chatd::chat::ChatService;
using chatd::chat::ClientId;
using chatd::chat::LocalRecovery;
using chatd::chat::ResumeRequest;
using codec::events::NicknameRequest;
using codec::events::UserMessageRequest;
using nlohmann::json;

namespace {

// The chat service with a replay of 2, recovering within `window`.
ChatConfig config_with(std::chrono::milliseconds window) {
  return ChatConfig{.history_on_join = 2, .recovery_window = window};
}

// Alice joins as connection 1, then Bob as 2; Alice has read his arrival.
ResumableClient alice_and_bob(ChatRun& run) {
  auto alice = join(run, 1, "alice");
  join(run, 2, "bob");
  receive(run, 1, alice);
  return alice;
}

void say(ChatRun& run, ClientId id, const std::string& text) {
  run.chat.on_user_message(id, UserMessageRequest{text, std::nullopt});
  run.store.flush();
}

// Reconnects `client` as connection `id`; returns whether it resumed, and
// checks the recovery token handed back.
bool resume(ChatRun& run, ClientId id, const ResumableClient& client) {
  std::optional<std::string> welcomed;
  const bool resumed = run.chat.connect(id, ResumeRequest{client.recovery_token, client.offset},
                                        [&](const std::optional<std::string>& token) { welcomed = token; });
  REQUIRE(welcomed.has_value());
  CHECK((*welcomed == client.recovery_token) == resumed);
  return resumed;
}

std::vector<std::string> texts(const std::vector<json>& events) {
  std::vector<std::string> out;
  for (const auto& event : events) {
    if (event[0] == "user message") out.push_back(event[2].get<std::string>());
    if (event[0] == "announcement") out.push_back("* " + event[1].get<std::string>());
  }
  return out;
}

using Texts = std::vector<std::string>;
constexpr auto kWindow = std::chrono::milliseconds(120'000);

}  // namespace

TEST_CASE("Recovery: a dropped client resumes with exactly the broadcasts it missed") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = join(run, 1, "alice");
  auto bob = join(run, 2, "bob");
  receive(run, 1, alice);
  say(run, 2, "before");
  CHECK(texts(receive(run, 1, alice)) == Texts{"before"});

  run.chat.disconnect(1);  // the connection was lost
  say(run, 2, "while away 1");
  auto carol = join(run, 3, "carol");
  say(run, 3, "while away 2");

  REQUIRE(resume(run, 4, alice));
  // Her own departure is not replayed to her; everything else is, in order,
  // then the room hears she is back.
  const auto missed = receive(run, 4, alice);
  CHECK(texts(missed) == Texts{"while away 1", "* carol connected", "while away 2"});
  CHECK(missed.back() == json{"nicknames", {{"alice", "alice"}, {"bob", "bob"}, {"carol", "carol"}}, alice.offset});
  CHECK(texts(receive(run, 2, bob)) ==
        Texts{"* alice disconnected", "* carol connected", "while away 2", "* alice connected"});

  // She chats on under her nickname.
  say(run, 4, "back");
  CHECK(texts(receive(run, 2, bob)) == Texts{"back"});
}

TEST_CASE("Recovery: the client's own messages are not replayed to it") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = alice_and_bob(run);
  say(run, 1, "mine");  // stored and broadcast, but her ack is lost with the connection
  run.chat.disconnect(1);
  say(run, 2, "theirs");
  REQUIRE(resume(run, 3, alice));
  CHECK(texts(receive(run, 3, alice)) == Texts{"theirs"});
}

TEST_CASE("Recovery: across a restart, from the stored messages") {
  TemporaryDirectory dir;
  ResumableClient alice;
  {
    ChatRun first(dir.path() / "chat.db", config_with(kWindow));
    alice = join(first, 1, "alice");
    join(first, 2, "bob");
    receive(first, 1, alice);
    say(first, 2, "seen");
    receive(first, 1, alice);
    say(first, 2, "missed 1");  // never read by alice: the server went down
    say(first, 1, "her own");
    first.chat.disconnect(1);
    first.chat.disconnect(2);
  }
  ChatRun second(dir.path() / "chat.db", config_with(kWindow));
  auto dave = join(second, 5, "dave");
  say(second, 5, "missed 2");
  REQUIRE(resume(second, 6, alice));
  CHECK(texts(receive(second, 6, alice)) == Texts{"missed 1", "* dave connected", "missed 2"});

  // Dropped again in the second run: this time from the run's own log.
  second.chat.disconnect(6);
  say(second, 5, "missed 3");
  REQUIRE(resume(second, 7, alice));
  CHECK(texts(receive(second, 7, alice)) == Texts{"missed 3"});
  CHECK(texts(receive(second, 5, dave)) == Texts{"* alice connected", "* alice disconnected", "* alice connected"});
}

TEST_CASE("Recovery: refused resumes join afresh") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(kWindow));
  auto alice = alice_and_bob(run);

  SECTION("an unknown token") {
    run.chat.disconnect(1);
    alice.recovery_token = "not-a-token";
    CHECK_FALSE(resume(run, 3, alice));
  }
  SECTION("an offset that is not one of ours") {
    run.chat.disconnect(1);
    for (const char* garbage : {"", "x", "1-2", "-1-2-3", "1-2-3-4", "99999999999-1-1", "1-2-3 "}) {
      alice.offset = garbage;
      CHECK_FALSE(resume(run, 3, alice));
      run.chat.disconnect(3);
    }
  }
  SECTION("a client that left on purpose") {
    run.chat.disconnect(1, /*resumable=*/false);
    CHECK_FALSE(resume(run, 3, alice));
  }
  SECTION("its nickname was taken meanwhile") {
    run.chat.disconnect(1);
    join(run, 3, "Alice");
    CHECK_FALSE(resume(run, 4, alice));
  }
  SECTION("a member that is still connected") { CHECK_FALSE(resume(run, 3, alice)); }
}

TEST_CASE("Recovery: a departed member expires after the window") {
  TemporaryDirectory dir;
  ChatRun run(dir.path() / "chat.db", config_with(std::chrono::milliseconds(20)));
  auto alice = alice_and_bob(run);
  run.chat.disconnect(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK_FALSE(resume(run, 3, alice));
}

TEST_CASE("Recovery: beyond the cap on kept members, the oldest cannot resume") {
  TemporaryDirectory dir;
  chatd::store::SqliteHistoryStore store(dir.path() / "chat.db");
  chatd::store::SqliteRecoveryStore members(dir.path() / "chat.db");
  RecordingOutbox outbox;
  const ChatConfig config{.recovery_window = kWindow, .max_resumable_members = 1};
  LocalRecovery recovery(config, store, members);
  ChatService chat(config, store, recovery, outbox);
  ResumableClient alice, bob;
  chat.connect(1, std::nullopt, [&](const auto& token) { alice.recovery_token = token.value(); });
  chat.on_nickname(1, NicknameRequest{"alice", 1});
  chat.connect(2, std::nullopt, [&](const auto& token) { bob.recovery_token = token.value(); });
  chat.on_nickname(2, NicknameRequest{"bob", 1});
  chat.connect(3, std::nullopt, [](const auto&) {});
  chat.on_nickname(3, NicknameRequest{"carol", 1});
  const auto last_offset = [&](ClientId id) {
    std::string offset;
    for (const auto& packet : outbox.take(id)) {
      if (const auto data = packet_payload(packet); packet[0] == '2' && data.back().is_string()) offset = data.back();
    }
    return offset;
  };
  alice.offset = last_offset(1);
  bob.offset = last_offset(2);
  chat.disconnect(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // "oldest" is by the millisecond
  chat.disconnect(2);                                         // alice's kept member makes room for bob's

  CHECK_FALSE(chat.connect(4, ResumeRequest{alice.recovery_token, alice.offset}, [](const auto&) {}));
  CHECK(chat.connect(5, ResumeRequest{bob.recovery_token, bob.offset}, [](const auto&) {}));
  members.flush();
}
